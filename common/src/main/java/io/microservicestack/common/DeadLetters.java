package io.microservicestack.common;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BasicProperties;
import io.vertx.core.Future;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Parks a message the application cannot process in its queue's dead-letter queue ({@link Topology#dlq}).
 *
 * <p>Done by the application rather than with {@code x-dead-letter-exchange}, so it works on any AMQP 0-9-1
 * broker: the body, properties and headers are republished (persistent, through the default exchange) with the
 * reason in {@link Topology#REASON_HEADER} and the queue in {@code x-original-queue}, and the future completes
 * once the broker confirmed it. The caller acks the original after that. The client's channel must be in
 * confirm mode ({@code confirmSelect} in its connection-established callback).
 */
public final class DeadLetters {

  /** The most parking waits for the broker's publisher confirm. */
  public static final long CONFIRM_TIMEOUT_MS = 5_000;
  private static final int MAX_REASON_LENGTH = 500;

  private DeadLetters() {
  }

  /** Republishes {@code message} to {@code queue}'s DLQ with {@code reason} and waits for the confirm. */
  public static Future<Void> publish(RabbitMQClient client, String queue, RabbitMQMessage message, String reason) {
    try {
      return client.basicPublish("", Topology.dlq(queue), withReason(message.properties(), queue, reason), message.body())
        .compose(v -> client.waitForConfirms(CONFIRM_TIMEOUT_MS));
    } catch (RuntimeException e) {
      // the client throws some failures (a closed connection) instead of failing the future
      return Future.failedFuture(e);
    }
  }

  /**
   * The original properties, persistent, with the reason and the original queue added to the headers, and a random
   * {@code message-id} when the message had none.
   */
  public static AMQP.BasicProperties withReason(BasicProperties properties, String queue, String reason) {
    AMQP.BasicProperties original = properties instanceof AMQP.BasicProperties p ? p : new AMQP.BasicProperties();
    Map<String, Object> headers = new HashMap<>();
    if (original.getHeaders() != null) {
      headers.putAll(original.getHeaders());
    }
    headers.put(Topology.REASON_HEADER, reason.length() > MAX_REASON_LENGTH ? reason.substring(0, MAX_REASON_LENGTH) : reason);
    headers.put("x-original-queue", queue);
    // the dead-letter tool names a parked message by its message-id: give one to a message that came without
    String messageId = original.getMessageId() == null || original.getMessageId().isBlank()
      ? UUID.randomUUID().toString() : original.getMessageId();
    return original.builder().headers(headers).messageId(messageId).deliveryMode(2).build();
  }
}
