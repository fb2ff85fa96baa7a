package io.microservicestack.common;

import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Event-bus request/reply conventions: a reply failure's code is an HTTP status.
 *
 * <p>Consumers answer with {@link #reply}; callers map a failed request to a {@link Problem} with
 * {@link #problem}: no consumer registered → 503, timeout → 504, a recipient failure → its code.
 */
public final class Rpc {

  private static final JsonObject PONG = new JsonObject().put("response", "pong");

  private Rpc() {
  }

  /** The answer of every ping, over HTTP and the event bus: {@code {"response": "pong"}}. */
  public static JsonObject pong() {
    return PONG.copy();
  }

  /**
   * Registers {@code consumers}' completion: the future completes once all are registered (across the cluster
   * when clustered).
   */
  public static Future<Void> registered(List<? extends MessageConsumer<?>> consumers) {
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  /** Unregisters every consumer; completes when all have settled. */
  public static Future<Void> unregister(List<? extends MessageConsumer<?>> consumers) {
    return Future.join(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  /**
   * Replies with the future's value, or fails the message with the status of its failure: a
   * {@link ProblemException}'s status, else 500.
   */
  public static void reply(Message<?> message, Future<JsonObject> result) {
    result.onSuccess(message::reply).onFailure(failure -> {
      Problem problem = failure instanceof ProblemException pe
        ? pe.problem()
        : Problem.of(500, "Internal Server Error", String.valueOf(failure.getMessage()));
      message.fail(problem.status(), problem.detail());
    });
  }

  /** The HTTP status a caller should answer for a failed request. */
  public static int status(ReplyException failure) {
    return switch (failure.failureType()) {
      case NO_HANDLERS -> 503;
      case TIMEOUT -> 504;
      case RECIPIENT_FAILURE, ERROR -> failure.failureCode() >= 400 && failure.failureCode() < 600 ? failure.failureCode() : 502;
    };
  }

  /** The problem a caller should answer for a failed request. */
  public static Problem problem(ReplyException failure) {
    int status = status(failure);
    String title = switch (status) {
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Request Failed";
    };
    String detail = failure.failureType() == ReplyFailure.NO_HANDLERS
      ? "No service answers " + failure.getMessage()
      : failure.failureType() == ReplyFailure.TIMEOUT ? "The service did not answer in time" : failure.getMessage();
    return Problem.of(status, title, detail);
  }
}
