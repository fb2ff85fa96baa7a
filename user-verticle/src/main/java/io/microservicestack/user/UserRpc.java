package io.microservicestack.user;

import io.microservicestack.common.Addresses;
import io.microservicestack.common.FeedPosition;
import io.microservicestack.common.FieldErrors;
import io.microservicestack.common.Paging;
import io.microservicestack.common.Params;
import io.microservicestack.common.Problem;
import io.microservicestack.common.Rpc;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.Function;

/**
 * The user service's event-bus RPC: {@code users.get}, {@code users.list}, {@code users.feed} and {@code users.ping}
 * (see {@link Addresses} for the contract). Bad input fails with code 400, PostgreSQL unreachable with 503.
 */
public final class UserRpc {

  /** Users per {@code users.feed} page by default, and at most. */
  static final int DEFAULT_FEED_LIMIT = 100;
  static final int MAX_FEED_LIMIT = 1_000;
  /** The most {@code users.feed} answers with {@code last}. */
  static final int MAX_LAST = 100;

  private final UserRepository repository;
  private List<MessageConsumer<JsonObject>> consumers = List.of();

  public UserRpc(UserRepository repository) {
    this.repository = repository;
  }

  /** Registers the consumers; the future completes when they are registered (cluster-wide in clustered mode). */
  public Future<Void> register(EventBus bus) {
    consumers = List.of(
      bus.consumer(Addresses.USERS_GET, answer(body -> repository.find(Params.id("id", body.getValue("id"))))),
      bus.consumer(Addresses.USERS_LIST, answer(body -> repository.list(Paging.fromJson(body)))),
      bus.consumer(Addresses.USERS_FEED, answer(this::feed)),
      bus.consumer(Addresses.USERS_PING, message -> message.reply(Rpc.pong())));
    return Rpc.registered(consumers);
  }

  public Future<Void> unregister() {
    return Rpc.unregister(consumers);
  }

  /** {@code users.feed}: the users after a position, or the latest ones (see {@link Addresses#USERS_FEED}). */
  private Future<JsonObject> feed(JsonObject body) {
    FieldErrors errors = new FieldErrors();
    Object after = body.getValue("after");
    Long last = Params.integer("last", body.getValue("last"), 0L, 0, MAX_LAST, errors);
    Long limit = Params.integer("limit", body.getValue("limit"), (long) DEFAULT_FEED_LIMIT, 1, MAX_FEED_LIMIT, errors);
    if (after != null && !(after instanceof String)) {
      errors.add("after", "must be a feed position, as received in a frame's \"position\"");
    }
    errors.throwIfAny();
    return after == null
      ? repository.feedLatest(last.intValue())
      : repository.feedAfter(FeedPosition.parse("after", (String) after), limit.intValue());
  }

  /** A consumer that answers with {@code handler}'s future, or 400 when the body is not a JSON object. */
  private static io.vertx.core.Handler<Message<JsonObject>> answer(Function<JsonObject, Future<JsonObject>> handler) {
    return message -> Rpc.reply(message, message.body() == null
      ? Future.failedFuture(Problem.badRequest("The request must be a JSON object").exception())
      : Future.succeededFuture(message.body()).compose(handler));
  }
}
