package io.microservicestack.common.testing;

import io.microservicestack.common.Topology;
import io.microservicestack.embedded.EmbeddedServers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import io.vertx.rabbitmq.RabbitMQOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Where the tests find the real servers: {@code PG_URI}, {@code REDIS_URI} and {@code AMQP_URI} from the
 * environment (as {@code .ci/run} sets them); for each one that is not set, a server embedded in the test JVM,
 * started once on first use and stopped when the JVM exits. So the suite runs against installed servers, or
 * on a machine with nothing but a JDK and Maven.
 */
public final class TestInfrastructure {

  private TestInfrastructure() {
  }

  public static String pgUri() {
    return configured("PG_URI") != null ? configured("PG_URI") : Embedded.SERVERS.pgUri();
  }

  public static String redisUri() {
    return configured("REDIS_URI") != null ? configured("REDIS_URI") : Embedded.SERVERS.redisUri();
  }

  public static String amqpUri() {
    return configured("AMQP_URI") != null ? configured("AMQP_URI") : Embedded.SERVERS.amqpUri();
  }

  /** The host of a server URI such as {@code amqp://guest:guest@127.0.0.1:5672}. */
  public static String host(String uri) {
    return java.net.URI.create(uri).getHost();
  }

  /** The port of a server URI, or {@code defaultPort} when it names none. */
  public static int port(String uri, int defaultPort) {
    int port = java.net.URI.create(uri).getPort();
    return port == -1 ? defaultPort : port;
  }

  /** {@code count} distinct ports that were free a moment ago (held open together, so they differ). */
  public static int[] freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0));
      }
      return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // the port is free again either way
        }
      }
    }
  }

  /** A name no other test uses, for a schema, a queue, an exchange or a Redis key prefix. */
  public static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /**
   * Deletes every key of {@link #redisUri()} that starts with {@code prefix} (a test's own key prefix). Needs
   * vertx-redis-client on the test class path.
   */
  public static Future<Void> deleteRedisKeys(Vertx vertx, String prefix) {
    return RedisCleanUp.deleteKeys(vertx, redisUri(), prefix);
  }

  /** Drops {@code schema} of {@link #pgUri()} with everything in it. Needs vertx-pg-client on the test class path. */
  public static Future<Void> dropSchema(Vertx vertx, String schema) {
    return PostgresCleanUp.dropSchema(vertx, pgUri(), schema);
  }

  /**
   * Deletes {@code queues} of {@link #amqpUri()} with their dead-letter queues, then {@code exchange} (when not
   * null). Each step is tried on its own: a queue or exchange that was never declared is no failure.
   */
  public static Future<Void> deleteQueuesAndExchange(Vertx vertx, List<String> queues, String exchange) {
    RabbitMQClient client = RabbitMQClient.create(vertx, new RabbitMQOptions().setUri(amqpUri()));
    Future<Void> deleted = client.start();
    for (String queue : queues) {
      deleted = deleted.compose(v -> client.queueDelete(queue)).transform(ar -> Future.<Void>succeededFuture())
        .compose(v -> client.queueDelete(Topology.dlq(queue))).transform(ar -> Future.succeededFuture());
    }
    if (exchange != null) {
      deleted = deleted.compose(v -> client.exchangeDelete(exchange)).transform(ar -> Future.succeededFuture());
    }
    return deleted.eventually(client::stop);
  }

  /**
   * The messages {@code queue} holds, counted by taking them all (they are dropped): a marker is published behind
   * them and everything up to it is taken. Unlike the queue's message count, this sees what a connection closed just
   * before handed back: the broker requeues a closed channel's deliveries before it takes a later publish.
   */
  public static long takeAll(RabbitMQClient client, String queue) {
    String marker = "marker-" + UUID.randomUUID();
    Await.result(client.basicPublish("", queue, Buffer.buffer(marker)), "publishing the marker");
    long taken = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      RabbitMQMessage message = Await.result(client.basicGet(queue, true), "basic.get from " + queue);
      if (message != null && message.body().toString().equals(marker)) {
        return taken;
      }
      taken += message == null ? 0 : 1;
    }
    throw new AssertionError("the marker never came out of " + queue);
  }

  /**
   * Removes what a stack run named {@code run} left on the servers, by the names the tests give such a run: schema
   * {@code run}, queues {@code run.user} and {@code run.slack} with their dead-letter queues, exchange
   * {@code run.events}, and Redis keys under {@code run:}. Waits (bounded) on a Vert.x of its own.
   */
  public static void deleteRun(String run) {
    Vertx vertx = Vertx.vertx();
    try {
      Await.result(dropSchema(vertx, run), "dropping schema " + run);
      Await.result(deleteQueuesAndExchange(vertx, List.of(run + ".user", run + ".slack"), run + ".events"),
        "deleting the run's queues and exchange");
      Await.result(deleteRedisKeys(vertx, run + ":"), "deleting the run's Redis keys");
    } finally {
      vertx.close();
    }
  }

  private static String configured(String name) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? null : value;
  }

  /** The embedded servers, started on first use (class initialisation is lazy and thread-safe). */
  private static final class Embedded {
    static final EmbeddedServers SERVERS = start();

    private static EmbeddedServers start() {
      EmbeddedServers servers = EmbeddedServers.start(
        configured("PG_URI") == null, configured("REDIS_URI") == null, configured("AMQP_URI") == null, null);
      Runtime.getRuntime().addShutdownHook(new Thread(servers::close, "embedded-servers-stop"));
      return servers;
    }
  }
}
