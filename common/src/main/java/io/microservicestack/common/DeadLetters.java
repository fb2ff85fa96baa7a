package io.microservicestack.common;

import com.rabbitmq.client.AMQP;
import io.vertx.core.Future;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;

import java.util.HashMap;
import java.util.Map;

/**
 * Parks a message the application cannot process in its queue's dead-letter queue ({@link Topology#dlq}).
 *
 * <p>Done by the application rather than with {@code x-dead-letter-exchange}, so it works on any AMQP 0-9-1
 * broker: the body and headers are republished (persistent, through the default exchange) with the reason
 * in {@link Topology#REASON_HEADER}, the publish is confirmed, and only then is the original acked. The
 * client's channel must be in confirm mode ({@code confirmSelect} in its connection-established callback).
 */
public final class DeadLetters {

  private static final long CONFIRM_TIMEOUT_MS = 5_000;

  private DeadLetters() {
  }

  /** Republishes {@code message} to {@code queue}'s DLQ with {@code reason}, waits for the confirm, then acks it. */
  public static Future<Void> park(RabbitMQClient client, String queue, RabbitMQMessage message, String reason) {
    Map<String, Object> headers = new HashMap<>();
    if (message.properties() != null && message.properties().getHeaders() != null) {
      headers.putAll(message.properties().getHeaders());
    }
    headers.put(Topology.REASON_HEADER, reason);
    headers.put("x-original-queue", queue);
    AMQP.BasicProperties.Builder properties = new AMQP.BasicProperties.Builder()
      .deliveryMode(2)
      .headers(headers);
    if (message.properties() != null) {
      properties.contentType(message.properties().getContentType()).messageId(message.properties().getMessageId())
        .type(message.properties().getType());
    }
    return client.basicPublish("", Topology.dlq(queue), properties.build(), message.body())
      .compose(v -> client.waitForConfirms(CONFIRM_TIMEOUT_MS))
      .compose(v -> client.basicAck(message.envelope().getDeliveryTag(), false));
  }
}
