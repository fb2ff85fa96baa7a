package io.microservicestack.user;

import io.microservicestack.common.Paging;
import io.microservicestack.common.Addresses;
import io.microservicestack.common.Problem;
import io.microservicestack.common.Rpc;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The user service's event-bus RPC: {@code users.get}, {@code users.list} and {@code users.ping}
 * (see {@link Addresses} for the contract).
 */
public final class UserRpc {

  private final UserRepository repository;

  public UserRpc(UserRepository repository) {
    this.repository = repository;
  }

  /** Registers the consumers; the future completes when they are registered (cluster-wide in clustered mode). */
  public Future<List<MessageConsumer<JsonObject>>> register(EventBus bus) {
    List<MessageConsumer<JsonObject>> consumers = List.of(
      bus.consumer(Addresses.USERS_GET, this::getUser),
      bus.consumer(Addresses.USERS_LIST, this::listUsers),
      bus.consumer(Addresses.USERS_PING, message -> message.reply(new JsonObject().put("response", "pong"))));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).map(consumers);
  }

  private void getUser(Message<JsonObject> message) {
    Rpc.reply(message, body(message).compose(body -> {
      Object id = body.getValue("id");
      return repository.find(id instanceof Number n ? n.longValue() : UserRoutes.id(String.valueOf(id)));
    }));
  }

  private void listUsers(Message<JsonObject> message) {
    Rpc.reply(message, body(message).compose(body -> repository.list(Paging.parse(body.getValue("after"), body.getValue("limit")))));
  }

  private static Future<JsonObject> body(Message<JsonObject> message) {
    return message.body() == null
      ? Future.failedFuture(Problem.badRequest("The request must be a JSON object").exception())
      : Future.succeededFuture(message.body());
  }
}
