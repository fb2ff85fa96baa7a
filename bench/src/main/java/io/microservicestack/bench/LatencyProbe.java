package io.microservicestack.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Create → websocket frame and create → slack message latency at a fixed rate.
 *
 * <p>Open loop: a 1 ms timer sends every request that is due by the clock ({@code rate} per second), whether or
 * not earlier ones were answered, and stamps each email's send time. A websocket on the gateway's
 * {@code /ws/users} stamps each frame's arrival; a {@link RedisListWatcher} stamps each {@code User <email> created}
 * pushed onto {@code <prefix>messages:#user}. Latency is arrival minus send time, per email.
 *
 * <p>Given the events exchange, a {@link QueueWatcher} also stamps each event's arrival at a consumer of its own,
 * which splits create → {@code #user} message in two: {@code broker} (send → the event delivered by the broker: the
 * create, the relay's publish, the broker's routing) and {@code slackAfterBroker} (per event, the {@code #user}
 * push minus that delivery: the slack service's own part, its delivery and the Redis script).
 */
public final class LatencyProbe {

  /**
   * @param host      the gateway's host
   * @param port      the gateway's port
   * @param redisUri  the slack service's Redis
   * @param keyPrefix the slack service's REDIS_KEY_PREFIX
   * @param rate      users per second
   * @param seconds   how long to send (and measure)
   * @param warmup    seconds sent first at the same rate and not measured (JIT, connections)
   * @param tag       unique per run: emails are {@code <tag>-<n>@bench.example}
   * @param amqpUri   the broker, for the {@code broker} stage; null for none
   * @param exchange  the stack's EVENTS_EXCHANGE; null for no {@code broker} stage
   */
  public record Options(String host, int port, String redisUri, String keyPrefix, int rate, double seconds, double warmup, String tag,
                        String amqpUri, String exchange) {
  }

  private static final long SETTLE_TIMEOUT_MS = 15_000;

  private final Vertx vertx;
  private final Options options;
  private final int warmupCount;
  private final int total;
  private final AtomicLongArray sentAt;
  private final AtomicLongArray answeredAt;
  private final Map<String, Long> frames = new ConcurrentHashMap<>();
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();
  private volatile String firstFailure;

  public LatencyProbe(Vertx vertx, Options options) {
    this.vertx = vertx;
    this.options = options;
    this.warmupCount = (int) Math.round(options.rate() * options.warmup());
    this.total = warmupCount + (int) Math.round(options.rate() * options.seconds());
    this.sentAt = new AtomicLongArray(total);
    this.answeredAt = new AtomicLongArray(total);
  }

  /** Runs the probe: the result's {@code ws} and {@code slack} hold the latency summaries in ms. */
  public Future<JsonObject> run() {
    WebSocketClient wsClient = vertx.createWebSocketClient();
    UserPoster poster = new UserPoster(vertx, options.host(), options.port(), options.tag(), 64);
    String listKey = options.keyPrefix() + "messages:#user";
    return wsClient.connect(options.port(), options.host(), "/ws/users")
      .compose(ws -> {
        ws.textMessageHandler(text -> {
          long now = System.nanoTime();
          String email = Frames.email(text);
          if (email != null) {
            frames.putIfAbsent(email, now);
          }
        });
        Future<QueueWatcher> queue = options.exchange() == null ? Future.succeededFuture()
          : QueueWatcher.start(vertx, options.amqpUri(), options.exchange());
        return queue.compose(broker -> RedisListWatcher.start(vertx, options.redisUri(), listKey)
          .compose(watcher -> send(poster)
            .compose(sendNanos -> settle(watcher).map(sendNanos))
            .compose(sendNanos -> watcher.stamps().map(stamps -> result(stamps, broker, sendNanos)))
            .eventually(watcher::close))
          .eventually(() -> broker == null ? Future.succeededFuture() : broker.close(vertx)))
          .eventually(ws::close);
      })
      .eventually(poster::close)
      .eventually(wsClient::close);
  }

  /** Sends every request when it is due; completes with the time sending took, once the last one is sent. */
  private Future<Long> send(UserPoster poster) {
    Promise<Long> done = Promise.promise();
    long start = System.nanoTime();
    int[] sent = {0};
    vertx.setPeriodic(1, timer -> {
      long now = System.nanoTime();
      long due = Math.min(total, (now - start) * options.rate() / 1_000_000_000L + 1);
      while (sent[0] < due) {
        int n = sent[0]++;
        sentAt.set(n, System.nanoTime());
        poster.create(n).onComplete(ar -> {
          answeredAt.set(n, System.nanoTime());
          if (ar.succeeded()) {
            answered.incrementAndGet();
          } else {
            failures.incrementAndGet();
            firstFailure = ar.cause().getMessage();
          }
        });
      }
      if (sent[0] == total) {
        vertx.cancelTimer(timer);
        done.complete(System.nanoTime() - start);
      }
    });
    return done.future();
  }

  /** Waits (at most {@value #SETTLE_TIMEOUT_MS} ms) for every answer, frame and slack message. */
  private Future<Void> settle(RedisListWatcher watcher) {
    Promise<Void> settled = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_TIMEOUT_MS);
    vertx.setPeriodic(20, timer -> {
      int expected = total - failures.get();
      boolean complete = answered.get() + failures.get() == total && frames.size() >= expected && watcher.pushes() >= expected;
      if (complete || System.nanoTime() > deadline) {
        vertx.cancelTimer(timer);
        settled.complete();
      }
    });
    return settled.future();
  }

  /**
   * The CPU this probe's JVM has used so far (start-up and JIT included): it shares the machine with what it
   * measures, so its own cost is a figure of the run.
   */
  static double ownCpuSeconds() {
    return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(-1.0);
  }

  private JsonObject result(Map<String, Long> stamps, QueueWatcher broker, long sendNanos) {
    Map<String, Long> messages = new ConcurrentHashMap<>();
    stamps.forEach((element, time) -> {
      String email = RedisListWatcher.emailOfMessage(element);
      if (email != null) {
        messages.put(email, time);
      }
    });
    Latencies ws = new Latencies();
    Latencies slack = new Latencies();
    Latencies http = new Latencies();
    Latencies delivered = new Latencies();
    Latencies slackAfterBroker = new Latencies();
    Map<String, Long> deliveries = broker == null ? Map.of() : broker.stamps();
    String prefix = options.tag() + "-";
    for (int n = warmupCount; n < total; n++) {
      String email = prefix + n + "@bench.example";
      long sent = sentAt.get(n);
      Long frame = frames.get(email);
      if (frame != null) {
        ws.recordNanos(frame - sent);
      }
      Long message = messages.get(email);
      if (message != null) {
        slack.recordNanos(message - sent);
      }
      Long delivery = deliveries.get(email);
      if (delivery != null) {
        delivered.recordNanos(delivery - sent);
        if (message != null) {
          slackAfterBroker.recordNanos(message - delivery);
        }
      }
      if (answeredAt.get(n) != 0) {
        http.recordNanos(answeredAt.get(n) - sent);
      }
    }
    int measured = total - warmupCount;
    JsonObject result = new JsonObject()
      .put("rate", options.rate())
      .put("sent", measured)
      .put("warmupSent", warmupCount)
      .put("sendSeconds", Latencies.round(sendNanos / 1e9))
      .put("created", answered.get() - warmupCount)
      .put("failed", failures.get())
      .put("firstFailure", firstFailure)
      .put("http", http.summary())
      .put("ws", ws.summary())
      .put("slack", slack.summary())
      .put("probeCpuSeconds", Latencies.round(ownCpuSeconds()));
    if (broker != null) {
      result.put("broker", delivered.summary()).put("slackAfterBroker", slackAfterBroker.summary());
    }
    return result;
  }
}
