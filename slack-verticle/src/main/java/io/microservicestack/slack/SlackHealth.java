package io.microservicestack.slack;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;

import java.util.concurrent.TimeUnit;

/**
 * The slack service's health-check procedures: {@code redis} (a {@code PING}) and, when the consumer runs,
 * {@code rabbitmq} (the client is connected). A dependency that is down or too slow is reported {@code DOWN}
 * within {@value #CHECK_TIMEOUT_MS} ms, so {@code /health} answers 503 quickly rather than timing out (500).
 */
public final class SlackHealth {

  /** How long a procedure waits for its dependency before reporting it down. */
  static final long CHECK_TIMEOUT_MS = 800;
  /** The health-check framework's own timeout, longer than ours so that it never fires. */
  static final long PROCEDURE_TIMEOUT_MS = 3_000;

  private SlackHealth() {
  }

  /** The procedures; {@code consumer} may be {@code null} when events are not consumed. */
  public static HealthChecks create(Vertx vertx, MessageStore store, UserCreatedConsumer consumer) {
    HealthChecks checks = HealthChecks.create(vertx);
    checks.register("redis", PROCEDURE_TIMEOUT_MS, promise -> redis(store, promise));
    if (consumer != null) {
      checks.register("rabbitmq", PROCEDURE_TIMEOUT_MS, promise -> promise.complete(consumer.isConnected()
        ? Status.OK()
        : Status.KO(new JsonObject().put("error", "not connected to RabbitMQ"))));
    }
    return checks;
  }

  private static void redis(MessageStore store, Promise<Status> promise) {
    store.ping()
      .timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
      .onSuccess(v -> promise.tryComplete(Status.OK()))
      .onFailure(e -> promise.tryComplete(Status.KO(new JsonObject().put("error", String.valueOf(e.getMessage())))));
  }
}
