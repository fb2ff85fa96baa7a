package io.microservicestack.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.microservicestack.common.Topology;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stamps the moment each {@code user.created} event reaches a consumer of the events exchange: a queue of its own
 * (server-named, exclusive, auto-deleted, auto-ack) bound like the slack service's, consumed by the RabbitMQ Java
 * client on its own thread. Beside the {@code #user} push it splits the event's path after the commit in two: the
 * relay's publish and the broker's routing, then the slack service's part (its delivery, the Redis script).
 *
 * <p>The queue is one more delivery per event for the broker while it watches; it holds nothing on disk (a
 * persistent message routed to a transient queue is not written).
 */
final class QueueWatcher {

  private final Map<String, Long> stamps = new ConcurrentHashMap<>();
  private Connection connection;

  private QueueWatcher() {
  }

  /** Declares and binds the queue and starts consuming; completes once every later event will be seen. */
  static Future<QueueWatcher> start(Vertx vertx, String amqpUri, String exchange) {
    QueueWatcher watcher = new QueueWatcher();
    return vertx.executeBlocking(() -> {
      ConnectionFactory factory = new ConnectionFactory();
      factory.setUri(amqpUri);
      watcher.connection = factory.newConnection("bench latency probe");
      Channel channel = watcher.connection.createChannel();
      String queue = channel.queueDeclare("", false, true, true, null).getQueue();
      channel.queueBind(queue, exchange, Topology.USER_CREATED);
      channel.basicConsume(queue, true, new DefaultConsumer(channel) {
        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
          long now = System.nanoTime();
          String email = emailOfEvent(body);
          if (email != null) {
            watcher.stamps.putIfAbsent(email, now);
          }
        }
      });
      return watcher;
    });
  }

  /** The email of a {@code user.created} event's body, or null. */
  static String emailOfEvent(byte[] body) {
    try {
      JsonObject user = new JsonObject(new String(body, StandardCharsets.UTF_8)).getJsonObject("user");
      return user == null ? null : user.getString("email");
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Events seen so far, by email: the time (System.nanoTime) each reached this consumer. */
  Map<String, Long> stamps() {
    return stamps;
  }

  /** Closes the connection (the queue goes with it). */
  Future<Void> close(Vertx vertx) {
    return connection == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      connection.close();
      return null;
    });
  }
}
