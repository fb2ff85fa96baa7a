package io.microservicestack.slack;

import io.microservicestack.common.Addresses;
import io.microservicestack.common.ProblemException;
import io.microservicestack.common.Rpc;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The slack service's event-bus RPC: {@link Addresses#SLACK_PING} answers {@code {"response": "pong"}};
 * {@link Addresses#SLACK_MESSAGES} takes {@code {"channel", "limit"?, "offset"?}} and answers what
 * {@code GET /messages} answers. Bad input fails with code 400, Redis unreachable with 503.
 */
public final class SlackRpc {

  private final EventBus bus;
  private final MessageStore store;
  private List<MessageConsumer<Object>> consumers = List.of();

  public SlackRpc(EventBus bus, MessageStore store) {
    this.bus = bus;
    this.store = store;
  }

  /** Registers the consumers; completes once they are registered (across the cluster when clustered). */
  public Future<Void> register() {
    consumers = List.of(
      bus.consumer(Addresses.SLACK_PING, message -> message.reply(MessageRoutes.pong())),
      bus.consumer(Addresses.SLACK_MESSAGES, this::messages));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  public Future<Void> unregister() {
    return Future.join(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  private void messages(Message<Object> message) {
    Future<JsonObject> page = query(message.body())
      .compose(query -> MessageRoutes.unavailableOnFailure(store.list(query), "read messages").map(query::page));
    Rpc.reply(message, page);
  }

  private static Future<MessageQuery> query(Object body) {
    try {
      return Future.succeededFuture(MessageQuery.fromJson(body instanceof JsonObject json ? json : null));
    } catch (ProblemException e) {
      return Future.failedFuture(e);
    }
  }
}
