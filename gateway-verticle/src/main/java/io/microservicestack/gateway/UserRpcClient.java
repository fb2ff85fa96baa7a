package io.microservicestack.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.microservicestack.common.Metrics;
import io.microservicestack.common.Subject;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's calls to the user service's read RPCs ({@code users.get}, {@code users.list}): they are
 * idempotent and therefore retried.
 *
 * <p>The budget {@code rpcTimeoutMs} is split over {@value #ATTEMPTS} attempts: a request that gets no reply
 * in its share is sent again, and the event bus's round robin hands it to another instance. That is what keeps
 * the RPC routes answering when one of several user JVMs dies: the cluster needs a few seconds to notice, and
 * until then a message routed to the dead node is silently lost. No consumer at all fails at once (503).
 *
 * <p>Each call (all its attempts) is timed in {@code rpc_client_requests_seconds{address, outcome}}, outcome
 * {@code ok}, {@code timeout}, {@code no_handlers}, {@code error} (the service answered with a failure) or
 * {@code failure} (anything else).
 */
final class UserRpcClient {

  static final int ATTEMPTS = 3;
  private static final String[] OUTCOMES = {"ok", "timeout", "no_handlers", "error", "failure"};

  private final Vertx vertx;
  private final DeliveryOptions attempt;
  private final MeterRegistry registry = Metrics.registry();
  /** Timers by address, one per outcome (indexes of {@link #OUTCOMES}); the addresses are the few this class calls. */
  private final Map<String, Timer[]> timers = new ConcurrentHashMap<>();

  UserRpcClient(Vertx vertx, GatewayConfig config) {
    this.vertx = vertx;
    this.attempt = new DeliveryOptions().setSendTimeout(Math.max(1, config.rpcTimeoutMs() / ATTEMPTS));
  }

  Future<JsonObject> request(String address, JsonObject body) {
    return request(address, body, null);
  }

  /** A request on behalf of {@code subject} (the verified caller, or null): it travels as a delivery-option header. */
  Future<JsonObject> request(String address, JsonObject body, String subject) {
    DeliveryOptions options = subject == null ? attempt : new DeliveryOptions(attempt).addHeader(Subject.BUS_HEADER, subject);
    long start = System.nanoTime();
    Timer[] byOutcome = timers(address);
    return request(address, body, options, ATTEMPTS)
      .andThen(ar -> byOutcome[outcome(ar.cause())].record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
  }

  private Timer[] timers(String address) {
    Timer[] byOutcome = timers.get(address);
    if (byOutcome == null) {
      byOutcome = new Timer[OUTCOMES.length];
      for (int i = 0; i < OUTCOMES.length; i++) {
        byOutcome[i] = Timer.builder("rpc.client.requests").description("Event-bus RPC calls of the gateway, all attempts")
          .tag("address", address).tag("outcome", OUTCOMES[i]).tag(Metrics.ROLE, GatewayVerticle.ROLE).register(registry);
      }
      timers.put(address, byOutcome);
    }
    return byOutcome;
  }

  private static int outcome(Throwable failure) {
    if (failure == null) {
      return 0;
    }
    if (failure instanceof ReplyException re) {
      return switch (re.failureType()) {
        case TIMEOUT -> 1;
        case NO_HANDLERS -> 2;
        case RECIPIENT_FAILURE -> 3;
        default -> 4;
      };
    }
    return 4;
  }

  private Future<JsonObject> request(String address, JsonObject body, DeliveryOptions options, int attemptsLeft) {
    return vertx.eventBus().<JsonObject>request(address, body, options)
      .map(Message::body)
      .recover(failure -> attemptsLeft > 1 && isTimeout(failure)
        ? request(address, body, options, attemptsLeft - 1)
        : Future.failedFuture(failure));
  }

  private static boolean isTimeout(Throwable failure) {
    return failure instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT;
  }
}
