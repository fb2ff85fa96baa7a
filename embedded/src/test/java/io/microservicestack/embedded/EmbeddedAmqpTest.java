package io.microservicestack.embedded;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import io.vertx.rabbitmq.RabbitMQMessage;
import io.vertx.rabbitmq.RabbitMQOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class EmbeddedAmqpTest {

  private static final long TIMEOUT_S = 10;
  private static final String EXCHANGE = "stack.events";
  private static final String QUEUE = "slack.user-created";
  private static final String ROUTING_KEY = "user.created";

  @Test
  @DisplayName("The embedded broker serves vertx-rabbitmq-client: topology, confirmed publishes, qos, manual ack")
  void servesTheRabbitMqClient(Vertx vertx) throws Exception {
    try (EmbeddedAmqp amqp = EmbeddedAmqp.start()) {
      assertThat(amqp.uri()).isEqualTo("amqp://guest:guest@127.0.0.1:" + amqp.port());
      RabbitMQClient client = connect(vertx, amqp.uri());
      try {
        client.exchangeDeclare(EXCHANGE, "topic", true, false).await(TIMEOUT_S, TimeUnit.SECONDS);
        client.queueDeclare(QUEUE, true, false, false).await(TIMEOUT_S, TimeUnit.SECONDS);
        client.queueBind(QUEUE, EXCHANGE, "user.*").await(TIMEOUT_S, TimeUnit.SECONDS);
        client.confirmSelect().await(TIMEOUT_S, TimeUnit.SECONDS);
        client.basicPublish(EXCHANGE, ROUTING_KEY, Buffer.buffer("{\"id\":1}")).await(TIMEOUT_S, TimeUnit.SECONDS);
        client.basicPublish(EXCHANGE, ROUTING_KEY, Buffer.buffer("{\"id\":2}")).await(TIMEOUT_S, TimeUnit.SECONDS);
        client.waitForConfirms(TimeUnit.SECONDS.toMillis(TIMEOUT_S)).await(TIMEOUT_S, TimeUnit.SECONDS);

        client.basicQos(1).await(TIMEOUT_S, TimeUnit.SECONDS);
        LinkedBlockingQueue<RabbitMQMessage> received = new LinkedBlockingQueue<>();
        client.basicConsumer(QUEUE, new QueueOptions().setAutoAck(false))
          .onSuccess(consumer -> consumer.handler(received::add))
          .await(TIMEOUT_S, TimeUnit.SECONDS);

        RabbitMQMessage first = received.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThat(first.body().toString()).isEqualTo("{\"id\":1}");
        assertThat(first.envelope().getRoutingKey()).isEqualTo(ROUTING_KEY);
        // With a prefetch of 1 and the first message unacknowledged, the second waits for the ack.
        assertThat(received).isEmpty();
        client.basicAck(first.envelope().getDeliveryTag(), false).await(TIMEOUT_S, TimeUnit.SECONDS);

        RabbitMQMessage second = received.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(second).isNotNull();
        assertThat(second.body().toString()).isEqualTo("{\"id\":2}");
        assertThat(second.envelope().isRedeliver()).isFalse();
      } finally {
        client.stop().await(TIMEOUT_S, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  @DisplayName("A message left unacknowledged when its consumer's connection closes is delivered again")
  void redeliversUnacknowledged(Vertx vertx) throws Exception {
    try (EmbeddedAmqp amqp = EmbeddedAmqp.start()) {
      RabbitMQClient first = connect(vertx, amqp.uri());
      first.queueDeclare("work", true, false, false).await(TIMEOUT_S, TimeUnit.SECONDS);
      first.confirmSelect().await(TIMEOUT_S, TimeUnit.SECONDS);
      first.basicPublish("", "work", Buffer.buffer("job")).await(TIMEOUT_S, TimeUnit.SECONDS);
      first.waitForConfirms(TimeUnit.SECONDS.toMillis(TIMEOUT_S)).await(TIMEOUT_S, TimeUnit.SECONDS);
      CompletableFuture<RabbitMQMessage> unacked = new CompletableFuture<>();
      first.basicConsumer("work", new QueueOptions().setAutoAck(false))
        .onSuccess(consumer -> consumer.handler(unacked::complete))
        .await(TIMEOUT_S, TimeUnit.SECONDS);
      assertThat(unacked.get(TIMEOUT_S, TimeUnit.SECONDS).envelope().isRedeliver()).isFalse();
      first.stop().await(TIMEOUT_S, TimeUnit.SECONDS);

      RabbitMQClient second = connect(vertx, amqp.uri());
      try {
        CompletableFuture<RabbitMQMessage> again = new CompletableFuture<>();
        RabbitMQConsumer consumer = second.basicConsumer("work", new QueueOptions().setAutoAck(false))
          .onSuccess(c -> c.handler(again::complete))
          .await(TIMEOUT_S, TimeUnit.SECONDS);
        RabbitMQMessage message = again.get(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(message.body().toString()).isEqualTo("job");
        assertThat(message.envelope().isRedeliver()).isTrue();
        second.basicAck(message.envelope().getDeliveryTag(), false).await(TIMEOUT_S, TimeUnit.SECONDS);
        consumer.cancel().await(TIMEOUT_S, TimeUnit.SECONDS);
      } finally {
        second.stop().await(TIMEOUT_S, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  @DisplayName("Closing stops the broker: its port refuses connections, and a second close does nothing")
  void closeStopsIt() {
    EmbeddedAmqp amqp = EmbeddedAmqp.start();
    int port = amqp.port();
    assertThat(LocalPorts.accepting(port)).isTrue();
    amqp.close();
    assertThat(LocalPorts.accepting(port)).isFalse();
    amqp.close();
  }

  private static RabbitMQClient connect(Vertx vertx, String uri) throws Exception {
    RabbitMQClient client = RabbitMQClient.create(vertx, new RabbitMQOptions().setUri(uri));
    client.start().await(TIMEOUT_S, TimeUnit.SECONDS);
    return client;
  }
}
