package io.microservicestack.bdd;

import io.microservicestack.common.testing.TestInfrastructure;
import io.microservicestack.stack.Role;
import io.microservicestack.common.CommonSettings;
import io.microservicestack.slack.SlackConfig;
import io.microservicestack.user.UserConfig;
import io.microservicestack.stack.RunningStack;
import io.microservicestack.stack.StackConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The stack the scenarios run against, one per test run.
 *
 * <p>With {@code BDD_BASE_URL} set (environment variable or system property), that already-running stack: nothing
 * is started, and the queue scenario reaches RabbitMQ at {@code BDD_AMQP_URI} (queue {@code BDD_USER_QUEUE},
 * default {@code user}), or is skipped when that is not set. Otherwise every role is started in this JVM on free
 * ports, against the servers the module tests use ({@link TestInfrastructure}: PostgreSQL, Redis and RabbitMQ at
 * {@code PG_URI}, {@code REDIS_URI} and {@code AMQP_URI}, embedded ones for those not set), with a schema,
 * exchange, queues and Redis key prefix of this run's own, which are removed again when the stack is closed.
 *
 * <p>This is the only class of the module that knows the stack's classes; the steps see a {@link GatewayClient}.
 */
public final class TestStack {

  private static final Logger LOG = LoggerFactory.getLogger(TestStack.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private static TestStack current;

  private final URI baseUrl;
  private final String amqpUri;
  private final String userQueue;
  private final RunningStack stack;
  private final StackConfig config;
  private final GatewayClient client;

  private TestStack(URI baseUrl, String amqpUri, String userQueue, RunningStack stack, StackConfig config) {
    this.baseUrl = baseUrl;
    this.amqpUri = amqpUri;
    this.userQueue = userQueue;
    this.stack = stack;
    this.config = config;
    this.client = new GatewayClient(baseUrl);
  }

  /** Starts (or finds) the stack once and waits until the gateway reports every service healthy. */
  public static synchronized TestStack start() {
    if (current == null) {
      String baseUrl = setting("BDD_BASE_URL");
      current = baseUrl == null ? inProcess() : running(URI.create(baseUrl));
      current.awaitHealthy();
    }
    return current;
  }

  /** The stack of this run; {@link #start()} must have run (the {@code @BeforeAll} hook does). */
  public static synchronized TestStack current() {
    if (current == null) {
      throw new IllegalStateException("The stack is not started: the @BeforeAll hook of StackHooks did not run");
    }
    return current;
  }

  /** Closes the client and, for an in-process stack, the stack and everything it created on the servers. */
  public static synchronized void stop() {
    if (current != null) {
      current.close();
      current = null;
    }
  }

  public URI baseUrl() {
    return baseUrl;
  }

  public GatewayClient client() {
    return client;
  }

  /** Where the queue scenario publishes create-user commands, or null when it cannot reach RabbitMQ. */
  public String amqpUri() {
    return amqpUri;
  }

  /** The queue of create-user commands. */
  public String userQueue() {
    return userQueue;
  }

  private static TestStack running(URI baseUrl) {
    String amqp = setting("BDD_AMQP_URI");
    String queue = setting("BDD_USER_QUEUE");
    LOG.info("Running the scenarios against the stack at {} (AMQP {})", baseUrl,
      amqp == null ? "not set: the @amqp scenarios are skipped" : "queue " + (queue == null ? "user" : queue));
    return new TestStack(baseUrl, amqp, queue == null ? "user" : queue, null, null);
  }

  private static TestStack inProcess() {
    String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    int[] ports = freePorts(3);
    Map<String, String> settings = new HashMap<>();
    settings.put("PG_URI", TestInfrastructure.pgUri());
    settings.put("REDIS_URI", TestInfrastructure.redisUri());
    settings.put("AMQP_URI", TestInfrastructure.amqpUri());
    settings.put("HTTP_HOST", "127.0.0.1");
    settings.put("GATEWAY_HTTP_PORT", String.valueOf(ports[0]));
    settings.put("USER_HTTP_PORT", String.valueOf(ports[1]));
    settings.put("USER_SERVICE_PORT", String.valueOf(ports[1]));
    settings.put("SLACK_HTTP_PORT", String.valueOf(ports[2]));
    settings.put("SLACK_SERVICE_PORT", String.valueOf(ports[2]));
    settings.put("USER_QUEUE_HTTP_PORT", "0");
    settings.put("PG_SCHEMA", "bdd_" + run);
    settings.put("EVENTS_EXCHANGE", "bdd.events." + run);
    settings.put("SLACK_QUEUE", "bdd.slack." + run);
    settings.put("USER_QUEUE", "bdd.user." + run);
    settings.put("REDIS_KEY_PREFIX", "bdd:" + run + ":");
    StackConfig config = StackConfig.from(settings);
    long started = System.nanoTime();
    RunningStack stack;
    try {
      stack = RunningStack.start(config, Role.parse(List.of())).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("The in-process stack did not start (PG_URI=" + config.get(UserConfig.PG_URI)
        + ", REDIS_URI=" + config.get(SlackConfig.REDIS_URI) + ", AMQP_URI=" + config.get(CommonSettings.AMQP_URI) + ")", e);
    }
    LOG.info("In-process stack up in {} ms: gateway on port {}, schema {}, queues bdd.*.{}",
      (System.nanoTime() - started) / 1_000_000, ports[0], config.get(UserConfig.PG_SCHEMA), run);
    return new TestStack(URI.create("http://127.0.0.1:" + ports[0]), config.get(CommonSettings.AMQP_URI),
      config.get(UserConfig.COMMAND_QUEUE), stack, config);
  }

  private void awaitHealthy() {
    await("the gateway at " + baseUrl + " reporting every service healthy")
      .atMost(READY_TIMEOUT)
      .pollInterval(Duration.ofMillis(250))
      .ignoreExceptions()
      .until(() -> client.get("/health").status() == 200);
  }

  private void close() {
    client.close();
    if (stack == null) {
      return;
    }
    try {
      GatewayClient.await(stack.close(), "closing the in-process stack");
    } finally {
      removeServerState();
    }
  }

  /** Drops this run's schema, exchange, queues and Redis keys, so that runs leave nothing behind. */
  private void removeServerState() {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pg = PgBuilder.pool().connectingTo(config.get(UserConfig.PG_URI)).using(vertx).build();
      attempt("dropping schema " + config.get(UserConfig.PG_SCHEMA),
        pg.query("DROP SCHEMA IF EXISTS \"" + config.get(UserConfig.PG_SCHEMA) + "\" CASCADE").execute().mapEmpty()
          .eventually(pg::close));

      RabbitMQClient rabbit = RabbitMQClient.create(vertx, new RabbitMQOptions().setUri(config.get(CommonSettings.AMQP_URI)));
      List<String> queues = List.of(config.get(UserConfig.COMMAND_QUEUE), config.get(SlackConfig.QUEUE));
      attempt("deleting the run's exchange and queues", rabbit.start()
        .compose(v -> deleteQueues(rabbit, queues))
        .compose(v -> rabbit.exchangeDelete(config.get(CommonSettings.EVENTS_EXCHANGE)))
        .eventually(rabbit::stop));

      Redis redis = Redis.createClient(vertx, config.get(SlackConfig.REDIS_URI));
      attempt("deleting the run's Redis keys", redis.send(Request.cmd(Command.KEYS).arg(config.get(SlackConfig.KEY_PREFIX) + "*"))
        .compose(keys -> {
          if (keys == null || keys.size() == 0) {
            return Future.succeededFuture();
          }
          Request del = Request.cmd(Command.DEL);
          for (Response key : keys) {
            del.arg(key.toString());
          }
          return redis.send(del).mapEmpty();
        })
        .eventually(redis::close));
    } finally {
      GatewayClient.await(vertx.close(), "closing the clean-up client");
    }
  }

  private static Future<Void> deleteQueues(RabbitMQClient rabbit, List<String> queues) {
    Future<Void> deleted = Future.succeededFuture();
    for (String queue : queues) {
      deleted = deleted.compose(v -> rabbit.queueDelete(queue)).compose(ok -> rabbit.queueDelete(queue + ".dlq")).mapEmpty();
    }
    return deleted;
  }

  private static void attempt(String what, Future<?> step) {
    try {
      GatewayClient.await(step, what);
    } catch (RuntimeException | AssertionError e) {
      LOG.warn("Clean-up: {} failed: {}", what, e.getMessage());
    }
  }

  /** {@code count} distinct ports that were free a moment ago. */
  private static int[] freePorts(int count) {
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

  /** An environment variable, else the system property of the same name; null when neither is set or blank. */
  static String setting(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      value = System.getProperty(name);
    }
    return value == null || value.isBlank() ? null : value.trim();
  }
}
