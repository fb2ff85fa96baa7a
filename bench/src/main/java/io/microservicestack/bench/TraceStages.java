package io.microservicestack.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * Where the time of a create goes, hop by hop, from the spans of a one-JVM stack traced at 100 % ({@link SpanSink}):
 * for each {@code POST /user} through the gateway, the gateway's server span, its proxy request, the user service's
 * server span, its INSERT, the answer's way back, the relay's publish (producer span, until the confirm), the slack consumer's span and the
 * feed read the event woke. Each stage's p50, p99 and max over the creates, and its mean over the slowest 1 % of them
 * (by the whole path, gateway start to the {@code #user} write), so that the tail can be read stage by stage.
 */
final class TraceStages {

  /** The stages in path order: the key in the result, and how to read it off a create's spans (µs). */
  enum Stage {
    GATEWAY_IN("gatewayIn", t -> t.proxy.start - t.gateway.start),
    TO_USER("toUser", t -> t.user.start - t.proxy.start),
    USER_BEFORE_INSERT("userBeforeInsert", t -> t.insert.start - t.user.start),
    INSERT("insert", t -> t.insert.duration),
    // One stage, not two: the user service's server span may end after the gateway's, which proxies the answer as it
    // streams in (the span ends once the write has completed).
    ANSWER_BACK("answerBack", t -> t.gateway.end() - t.insert.end()),
    GATEWAY("gateway", t -> t.gateway.duration),
    COMMIT_TO_PUBLISH("commitToPublish", t -> t.publish.start - t.insert.end()),
    PUBLISH_TO_CONSUMER("publishToConsumer", t -> t.consume.start - t.publish.start),
    CONSUMER("consumer", t -> t.consume.duration),
    TOTAL("total", t -> t.consume.end() - t.gateway.start),
    PUBLISH_TO_CONFIRM("publishToConfirm", t -> t.publish.duration),
    COMMIT_TO_FEED_READ("commitToFeedRead", t -> t.feedRead == null ? -1 : t.feedRead.end() - t.insert.end());

    final String key;
    final ToLongFunction<Create> micros;

    Stage(String key, ToLongFunction<Create> micros) {
      this.key = key;
      this.micros = micros;
    }
  }

  record Span(String id, String parentId, String kind, long start, long duration, JsonObject tags) {
    long end() {
      return start + duration;
    }

    static Span of(JsonObject json) {
      return new Span(json.getString("id"), json.getString("parentId"), json.getString("kind", ""),
        json.getLong("timestamp", 0L), json.getLong("duration", 0L), json.getJsonObject("tags", new JsonObject()));
    }
  }

  /** The spans of one create, or null where the trace lacks one. */
  record Create(Span gateway, Span proxy, Span user, Span insert, Span publish, Span consume, Span feedRead) {

    static Create of(List<Span> trace) {
      Span gateway = first(trace, s -> s.parentId == null && s.kind.equals("SERVER")
        && "POST".equals(s.tags.getString("http.request.method")) && "/user".equals(s.tags.getString("url.path")));
      Span proxy = gateway == null ? null : first(trace, s -> gateway.id.equals(s.parentId) && s.kind.equals("CLIENT"));
      Span user = proxy == null ? null : first(trace, s -> proxy.id.equals(s.parentId) && s.kind.equals("SERVER"));
      if (user == null) {
        return null;
      }
      Span insert = first(trace, s -> user.id.equals(s.parentId) && s.tags.containsKey("db.query.text"));
      Span publish = first(trace, s -> user.id.equals(s.parentId) && s.kind.equals("PRODUCER"));
      Span consume = publish == null ? null : first(trace, s -> publish.id.equals(s.parentId) && s.kind.equals("CONSUMER"));
      Span feedRead = first(trace, s -> s.kind.equals("CLIENT") && "users.feed".equals(s.tags.getString("messaging.destination.name")));
      return insert == null || consume == null ? null : new Create(gateway, proxy, user, insert, publish, consume, feedRead);
    }

    private static Span first(List<Span> trace, Predicate<Span> test) {
      return trace.stream().filter(test).findFirst().orElse(null);
    }
  }

  private TraceStages() {
  }

  /** The creates of a file of span batches (one JSON array per line), in the order their gateway spans started. */
  static List<Create> creates(Path spans) throws IOException {
    Map<String, List<Span>> traces = new HashMap<>();
    try (Stream<String> lines = Files.lines(spans)) {
      lines.filter(line -> !line.isBlank()).forEach(line -> new JsonArray(line).forEach(o -> {
        JsonObject json = (JsonObject) o;
        traces.computeIfAbsent(json.getString("traceId"), k -> new ArrayList<>()).add(Span.of(json));
      }));
    }
    List<Create> creates = new ArrayList<>();
    traces.values().forEach(trace -> {
      Create create = Create.of(trace);
      if (create != null) {
        creates.add(create);
      }
    });
    creates.sort(Comparator.comparingLong(c -> c.gateway.start));
    return creates;
  }

  /**
   * The stages of the {@code last} creates (all when 0): {@code {"creates": n, "stages": {key: {"p50", "p99", "max",
   * "slowestMean"}}}} in milliseconds, slowestMean over the 1 % of creates slowest by {@code total}.
   */
  static JsonObject summarize(List<Create> all, int last) {
    List<Create> creates = last > 0 && all.size() > last ? all.subList(all.size() - last, all.size()) : all;
    List<Create> slowest = creates.stream()
      .sorted(Comparator.comparingLong(Stage.TOTAL.micros).reversed())
      .limit(Math.max(1, creates.size() / 100)).toList();
    Map<String, Object> stages = new LinkedHashMap<>();
    for (Stage stage : Stage.values()) {
      Latencies latencies = new Latencies();
      creates.stream().mapToLong(stage.micros).filter(us -> us >= 0).forEach(us -> latencies.recordNanos(us * 1_000));
      double slowestMean = slowest.stream().mapToLong(stage.micros).filter(us -> us >= 0).average().orElse(0) / 1_000;
      stages.put(stage.key, latencies.summary().put("slowestMean", Latencies.round(slowestMean)));
    }
    return new JsonObject().put("creates", creates.size()).put("stages", new JsonObject(stages));
  }
}
