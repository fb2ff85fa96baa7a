package io.microservicestack.gateway;

import io.microservicestack.common.Subject;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * The gateway's calls to the user service's read RPCs ({@code users.get}, {@code users.list}): they are
 * idempotent and therefore retried.
 *
 * <p>The budget {@code rpcTimeoutMs} is split over {@value #ATTEMPTS} attempts: a request that gets no reply
 * in its share is sent again, and the event bus's round robin hands it to another instance. That is what keeps
 * the RPC routes answering when one of several user JVMs dies: the cluster needs a few seconds to notice, and
 * until then a message routed to the dead node is silently lost. No consumer at all fails at once (503).
 */
final class UserRpcClient {

  static final int ATTEMPTS = 3;

  private final Vertx vertx;
  private final DeliveryOptions attempt;

  UserRpcClient(Vertx vertx, GatewayConfig config) {
    this.vertx = vertx;
    this.attempt = new DeliveryOptions().setSendTimeout(Math.max(1, config.rpcTimeoutMs() / ATTEMPTS));
  }

  Future<JsonObject> request(String address, JsonObject body) {
    return request(address, body, attempt, ATTEMPTS);
  }

  /** A request on behalf of {@code subject} (the verified caller, or null): it travels as a delivery-option header. */
  Future<JsonObject> request(String address, JsonObject body, String subject) {
    DeliveryOptions options = subject == null ? attempt : new DeliveryOptions(attempt).addHeader(Subject.BUS_HEADER, subject);
    return request(address, body, options, ATTEMPTS);
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
