package io.microservicestack.user;

import com.rabbitmq.client.BasicProperties;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConfirmation;

import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Publishes with publisher confirms without blocking a thread per wait: each publish gets a future that the
 * broker's confirm (or nack) completes, matched by delivery tag through the channel's confirm listener.
 *
 * <p>Many publishes can be unconfirmed at once (NOTES.md: a window of hundreds keeps up with RabbitMQ's own
 * PerfTest, where {@code waitForConfirms} per batch does not). Delivery tags start again on every channel, so
 * {@link #attach} (called on each connection) fails whatever the previous channel left unconfirmed: those
 * messages may or may not have reached the broker, and the caller publishes them again.
 */
final class PublisherConfirms {

  private static final int LISTENER_QUEUE = 10_000;

  private final Context context;
  private final ConcurrentNavigableMap<Long, Promise<Void>> pending = new ConcurrentSkipListMap<>();

  /** @param context where the confirm futures complete (the relay's) */
  PublisherConfirms(Context context) {
    this.context = context;
  }

  /** Puts a new channel in confirm mode and listens to its confirms; to call in the connection-established callback. */
  Future<Void> attach(RabbitMQClient client) {
    failPending("the connection to RabbitMQ was replaced before the confirm");
    return client.addConfirmListener(LISTENER_QUEUE).map(this::listen);
  }

  /** Publishes; the future completes when the broker confirmed the message, and fails when it nacked it. */
  Future<Void> publish(RabbitMQClient client, String exchange, String routingKey, BasicProperties properties, Buffer body) {
    Promise<Void> confirmed = Promise.promise();
    client.basicPublishWithDeliveryTag(exchange, routingKey, properties, body, tag -> pending.put(tag, confirmed))
      .onFailure(confirmed::tryFail);
    return confirmed.future();
  }

  private Void listen(ReadStream<RabbitMQConfirmation> confirmations) {
    confirmations.handler(confirmation -> context.runOnContext(v -> settle(confirmation)));
    return null;
  }

  private void settle(RabbitMQConfirmation confirmation) {
    Map<Long, Promise<Void>> settled = confirmation.isMultiple()
      ? pending.headMap(confirmation.getDeliveryTag(), true)
      : pending.subMap(confirmation.getDeliveryTag(), true, confirmation.getDeliveryTag(), true);
    settled.values().forEach(promise -> {
      if (confirmation.isSucceeded()) {
        promise.tryComplete();
      } else {
        promise.tryFail("RabbitMQ nacked the message");
      }
    });
    settled.clear();
  }

  private void failPending(String reason) {
    pending.values().forEach(promise -> promise.tryFail(reason));
    pending.clear();
  }
}
