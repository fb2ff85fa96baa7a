package io.microservicestack.user;

import io.microservicestack.common.testing.TestInfrastructure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import io.vertx.rabbitmq.RabbitMQOptions;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The test's own view of RabbitMQ: a connection straight to the broker that collects what reaches a queue
 * (an auto-delete queue bound to an exchange, or an existing one) and publishes test messages.
 */
final class QueueProbe {

  final RabbitMQClient client;
  final List<RabbitMQMessage> received = new CopyOnWriteArrayList<>();

  private QueueProbe(RabbitMQClient client) {
    this.client = client;
  }

  static QueueProbe connect(Vertx vertx) throws Exception {
    RabbitMQClient client = RabbitMQClient.create(vertx, new RabbitMQOptions().setUri(TestInfrastructure.amqpUri()));
    client.start().await(10, TimeUnit.SECONDS);
    return new QueueProbe(client);
  }

  /** Collects every message published to {@code exchange} with {@code routingKey} from now on. */
  QueueProbe bind(String exchange, String routingKey) throws Exception {
    String queue = TestInfrastructure.unique("probe");
    client.exchangeDeclare(exchange, "topic", true, false)
      .compose(v -> client.queueDeclare(queue, false, true, true))
      .compose(v -> client.queueBind(queue, exchange, routingKey))
      .await(10, TimeUnit.SECONDS);
    return subscribe(queue);
  }

  /** Collects every message of the (existing or new durable) {@code queue}. */
  QueueProbe consume(String queue) throws Exception {
    client.queueDeclare(queue, true, false, false).await(10, TimeUnit.SECONDS);
    return subscribe(queue);
  }

  private QueueProbe subscribe(String queue) throws Exception {
    client.basicConsumer(queue, new QueueOptions().setAutoAck(true))
      .onSuccess(consumer -> consumer.handler(received::add))
      .await(10, TimeUnit.SECONDS);
    return this;
  }

  List<JsonObject> bodies() {
    return received.stream().map(m -> m.body().toJsonObject()).toList();
  }

  Future<Void> publish(String queue, String body) {
    return publish(queue, io.vertx.core.buffer.Buffer.buffer(body));
  }

  Future<Void> publish(String queue, io.vertx.core.buffer.Buffer body) {
    return client.basicPublish("", queue, body);
  }

  void close() throws Exception {
    client.stop().await(10, TimeUnit.SECONDS);
  }
}
