package io.microservicestack.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TraceStagesTest {

  @TempDir
  Path dir;

  /** The spans of one create as the one-JVM stack exports them, shifted by {@code t0} µs, the INSERT lasting {@code insert}. */
  private static List<JsonObject> create(String trace, long t0, long insert) {
    List<JsonObject> spans = new ArrayList<>();
    spans.add(span(trace, "g", null, "SERVER", t0, 500 + insert + 400)
      .put("tags", new JsonObject().put("http.request.method", "POST").put("url.path", "/user")));
    spans.add(span(trace, "c", "g", "CLIENT", t0 + 100, 300 + insert + 200));
    spans.add(span(trace, "u", "c", "SERVER", t0 + 200, 100 + insert + 50));
    spans.add(span(trace, "q", "u", "CLIENT", t0 + 300, insert).put("tags", new JsonObject().put("db.query.text", "WITH u AS (INSERT ...)")));
    spans.add(span(trace, "p", "u", "PRODUCER", t0 + 300 + insert + 10, 3_000));
    spans.add(span(trace, "k", "p", "CONSUMER", t0 + 300 + insert + 1_010, 700));
    spans.add(span(trace, "f", "x", "CLIENT", t0 + 300 + insert + 20, 480)
      .put("tags", new JsonObject().put("messaging.destination.name", "users.feed")));
    return spans;
  }

  private static JsonObject span(String trace, String id, String parent, String kind, long start, long duration) {
    JsonObject span = new JsonObject().put("traceId", trace).put("id", trace + id).put("kind", kind)
      .put("timestamp", start).put("duration", duration);
    return parent == null ? span : span.put("parentId", trace + parent);
  }

  @Test
  @DisplayName("Each stage of a create is read off its spans, and the slowest creates show which stage made them slow")
  void stagesOfCreates() throws Exception {
    List<JsonObject> spans = new ArrayList<>();
    for (int n = 0; n < 99; n++) {
      spans.addAll(create("t" + n, 1_000_000L + n * 10_000, 1_000));
    }
    spans.addAll(create("slow", 2_000_000L, 40_000));
    // A trace that is not a create (the websocket's upgrade) and a create whose consumer span is missing are left out.
    spans.add(span("ws", "g", null, "SERVER", 1_500_000L, 900).put("tags", new JsonObject().put("url.path", "/ws/users")));
    spans.addAll(create("partial", 1_600_000L, 1_000).subList(0, 5));
    Path file = dir.resolve("spans.jsonl");
    // Batches as the exporter sends them: a JSON array per line, one create's spans spread over two of them.
    Files.writeString(file, new JsonArray(spans.subList(0, 3)).encode() + "\n\n" + new JsonArray(spans.subList(3, spans.size())).encode() + "\n");

    List<TraceStages.Create> creates = TraceStages.creates(file);
    assertThat(creates).hasSize(100);
    JsonObject result = TraceStages.summarize(creates, 0);
    JsonObject stages = result.getJsonObject("stages");

    assertThat(result.getInteger("creates")).isEqualTo(100);
    assertThat(stages.getJsonObject("gatewayIn").getDouble("p50")).isCloseTo(0.1, within(0.01));
    assertThat(stages.getJsonObject("toUser").getDouble("p50")).isCloseTo(0.1, within(0.01));
    assertThat(stages.getJsonObject("userBeforeInsert").getDouble("p50")).isCloseTo(0.1, within(0.01));
    assertThat(stages.getJsonObject("insert").getDouble("p50")).isCloseTo(1.0, within(0.01));
    assertThat(stages.getJsonObject("insert").getDouble("max")).isCloseTo(40.0, within(0.05));
    assertThat(stages.getJsonObject("answerBack").getDouble("p50")).isCloseTo(0.6, within(0.01));
    assertThat(stages.getJsonObject("gateway").getDouble("p50")).isCloseTo(1.9, within(0.01));
    assertThat(stages.getJsonObject("commitToPublish").getDouble("p50")).isCloseTo(0.01, within(0.01));
    assertThat(stages.getJsonObject("publishToConsumer").getDouble("p50")).isCloseTo(1.0, within(0.01));
    assertThat(stages.getJsonObject("consumer").getDouble("p50")).isCloseTo(0.7, within(0.01));
    assertThat(stages.getJsonObject("publishToConfirm").getDouble("p50")).isCloseTo(3.0, within(0.01));
    assertThat(stages.getJsonObject("commitToFeedRead").getDouble("p50")).isCloseTo(0.5, within(0.01));
    assertThat(stages.getJsonObject("total").getDouble("p50")).isCloseTo(3.01, within(0.01));
    // The slowest 1 % is the one slow create: its INSERT is its tail, the hops around it are not.
    assertThat(stages.getJsonObject("insert").getDouble("slowestMean")).isCloseTo(40.0, within(0.01));
    assertThat(stages.getJsonObject("toUser").getDouble("slowestMean")).isCloseTo(0.1, within(0.01));
    // Only the last creates, when asked: the slow one started last.
    assertThat(TraceStages.summarize(creates, 1).getJsonObject("stages").getJsonObject("insert").getDouble("p50"))
      .isCloseTo(40.0, within(0.05));
  }
}
