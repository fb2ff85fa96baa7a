package io.microservicestack.bench;

import io.microservicestack.common.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Event-bus RPC across JVMs: this JVM joins the stack's Hazelcast cluster as a node (see {@link ClusterConfig})
 * and sends {@code users.ping} to a {@code user} role running in another JVM, back to back, then with
 * {@code concurrency} requests in flight; beside it, the loopback TCP round trip of {@link EchoBaseline}.
 */
public final class RpcProbe {

  /**
   * @param warmupMs    load before each measurement (JIT, connections)
   * @param measureMs   duration of each measurement
   * @param concurrency requests in flight in the concurrent measurement
   */
  public record Options(long warmupMs, long measureMs, int concurrency) {
  }

  private static final long READY_TIMEOUT_MS = 30_000;

  private final Vertx vertx;
  private final Options options;
  private final JsonObject ping = new JsonObject();
  private final DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(2_000);

  public RpcProbe(Vertx vertx, Options options) {
    this.vertx = vertx;
    this.options = options;
  }

  public Future<JsonObject> run() {
    JsonObject result = new JsonObject();
    return awaitConsumer()
      .compose(v -> Sequential.run(vertx, this::ping, options.warmupMs(), null))
      .compose(v -> {
        Latencies sequential = new Latencies();
        return Sequential.run(vertx, this::ping, options.measureMs(), sequential)
          .onSuccess(count -> result.put("sequential", withRate(sequential, count)));
      })
      .compose(v -> concurrent().onSuccess(concurrent -> result.put("concurrent", concurrent)))
      .compose(v -> new EchoBaseline(vertx).measure(options.warmupMs(), options.measureMs()))
      .map(echo -> result.put("echo", echo.summary().put("rps", Math.round(echo.count() * 1000.0 / options.measureMs()))));
  }

  private Future<JsonObject> concurrent() {
    Latencies latencies = new Latencies();
    List<Future<Long>> loops = new ArrayList<>();
    for (int i = 0; i < options.concurrency(); i++) {
      loops.add(Sequential.run(vertx, this::ping, options.measureMs(), latencies));
    }
    return Future.all(loops).map(all -> {
      long count = 0;
      for (int i = 0; i < loops.size(); i++) {
        count += all.<Long>resultAt(i);
      }
      return withRate(latencies, count).put("concurrency", options.concurrency());
    });
  }

  private Future<?> ping() {
    return vertx.eventBus().request(Addresses.USERS_PING, ping, delivery);
  }

  private JsonObject withRate(Latencies latencies, long count) {
    return latencies.summary().put("rps", Math.round(count * 1000.0 / options.measureMs()));
  }

  /** Retries {@code users.ping} until the user JVM's consumer is known to this node (bounded). */
  private Future<Void> awaitConsumer() {
    Promise<Void> ready = Promise.promise();
    long deadline = System.nanoTime() + READY_TIMEOUT_MS * 1_000_000;
    attempt(ready, deadline);
    return ready.future();
  }

  private void attempt(Promise<Void> ready, long deadline) {
    ping().onComplete(ar -> {
      if (ar.succeeded()) {
        ready.complete();
      } else if (System.nanoTime() > deadline) {
        ready.fail(new IllegalStateException("users.ping got no answer within " + READY_TIMEOUT_MS + " ms: " + ar.cause()));
      } else {
        vertx.setTimer(200, t -> attempt(ready, deadline));
      }
    });
  }
}
