package io.microservicestack.common;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Creates RabbitMQ clients that reconnect by themselves and declare their topology on every (re)connect.
 *
 * <p>The client is told to retry forever every {@code reconnectIntervalMs}; the Java client's own
 * automatic recovery stays off (the two must not be combined). The {@code topology} function runs in the
 * connection-established callback, so exchanges, queues and bindings come back after a broker restart.
 */
public final class Amqp {

  private static final Logger LOG = LoggerFactory.getLogger(Amqp.class);

  private Amqp() {
  }

  /** Options for {@code uri} (e.g. {@code amqp://guest:guest@127.0.0.1:5672}) that reconnect forever. */
  public static RabbitMQOptions options(String uri, long reconnectIntervalMs) {
    return new RabbitMQOptions()
      .setUri(uri)
      .setConnectionTimeout(2_000)
      .setHandshakeTimeout(2_000)
      .setRequestedHeartbeat(10)
      .setAutomaticRecoveryEnabled(false)
      .setAutomaticRecoveryOnInitialConnection(true)
      .setReconnectAttempts(Integer.MAX_VALUE)
      .setReconnectInterval(reconnectIntervalMs);
  }

  /**
   * Creates and starts a client. The returned future completes once the first connection is up and its topology
   * declared (the client's own {@code start()} completes as soon as the connection opens, before its
   * connection-established callbacks have run: a consumer created then could get deliveries before its prefetch or
   * its confirm mode is set). While the broker is unreachable the client keeps trying every reconnect interval, so a
   * caller that must not wait for RabbitMQ should not compose on this future. A topology the broker refuses (a queue
   * declared with other arguments) leaves it pending, with a WARN, until a later connection declares it.
   */
  public static Future<RabbitMQClient> start(Vertx vertx, RabbitMQOptions options, String name,
                                             Function<RabbitMQClient, Future<?>> topology) {
    RabbitMQClient client = RabbitMQClient.create(vertx, options);
    Promise<RabbitMQClient> declared = Promise.promise();
    client.addConnectionEstablishedCallback(promise -> topology.apply(client)
      .onSuccess(v -> {
        LOG.info("{}: connected to RabbitMQ, topology declared", name);
        declared.tryComplete(client);
      })
      .onFailure(e -> LOG.warn("{}: declaring the AMQP topology failed (tried again on the next connection): {}", name,
        e.getMessage()))
      .<Void>mapEmpty()
      .onComplete(promise));
    client.start().onFailure(declared::tryFail);
    return declared.future();
  }

  /** Declares a durable topic exchange. */
  public static Future<Void> declareTopicExchange(RabbitMQClient client, String exchange) {
    return client.exchangeDeclare(exchange, "topic", true, false);
  }

  /** Declares a durable queue, its dead-letter queue, and binds the queue to {@code exchange} with {@code routingKey}. */
  public static Future<Void> declareQueueWithDlq(RabbitMQClient client, String queue, String exchange, String routingKey) {
    Future<Void> queues = client.queueDeclare(queue, true, false, false)
      .compose(ok -> client.queueDeclare(Topology.dlq(queue), true, false, false))
      .mapEmpty();
    return exchange == null ? queues : queues.compose(v -> client.queueBind(queue, exchange, routingKey));
  }

  /** Runs a client call: the client throws some failures (e.g. a closed connection) instead of failing the future. */
  public static <T> Future<T> safely(Supplier<Future<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
