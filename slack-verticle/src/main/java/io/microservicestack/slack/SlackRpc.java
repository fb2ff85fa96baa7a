package io.microservicestack.slack;

import io.microservicestack.common.Addresses;
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

  private final MessageStore store;
  private List<MessageConsumer<Object>> consumers = List.of();

  public SlackRpc(MessageStore store) {
    this.store = store;
  }

  /** Registers the consumers; completes once they are registered (across the cluster when clustered). */
  public Future<Void> register(EventBus bus) {
    consumers = List.of(
      bus.consumer(Addresses.SLACK_PING, message -> message.reply(Rpc.pong())),
      bus.consumer(Addresses.SLACK_MESSAGES, this::messages));
    return Rpc.registered(consumers);
  }

  public Future<Void> unregister() {
    return Rpc.unregister(consumers);
  }

  private void messages(Message<Object> message) {
    Rpc.reply(message, Future.succeededFuture(message.body())
      .map(body -> MessageQuery.fromJson(body instanceof JsonObject json ? json : null))
      .compose(query -> store.list(query).map(query::page)));
  }
}
