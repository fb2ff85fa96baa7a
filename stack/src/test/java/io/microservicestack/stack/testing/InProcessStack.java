package io.microservicestack.stack.testing;

import io.microservicestack.common.testing.Await;
import io.microservicestack.common.testing.TestInfrastructure;
import io.microservicestack.stack.Role;
import io.microservicestack.stack.RunningStack;
import io.microservicestack.stack.StackConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Every role of the stack started in this JVM, the way the tests of bdd and bench (and anyone else's) want it: on
 * free ports of 127.0.0.1, against the servers of {@link TestInfrastructure}, with a PostgreSQL schema, an events
 * exchange, the two queues and a Redis key prefix of this run's own. {@link #close()} stops the stack and removes
 * all of those from the servers again. While it runs, {@link StackHttp} checks its gateway's answers against the
 * contract.
 *
 * <p>The services need to know each other's ports before they start (the gateway proxies to the user and slack
 * ports), so the ports are picked free up front; when another process takes one of them before the stack binds it,
 * the start fails with "the port is in use" and is retried on new ports, up to {@value #ATTEMPTS} times.
 */
public final class InProcessStack implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InProcessStack.class);
  static final int ATTEMPTS = 3;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final RunningStack stack;
  private final StackConfig config;
  private final Map<String, String> settings;

  private InProcessStack(RunningStack stack, Map<String, String> settings) {
    this.stack = stack;
    this.settings = Map.copyOf(settings);
    this.config = StackConfig.from(settings);
  }

  /**
   * Starts every role with names made from {@code prefix} (e.g. {@code bdd}), and waits until the gateway reports
   * every service healthy.
   */
  public static InProcessStack start(String prefix) {
    return start(prefix, Map.of());
  }

  /** As {@link #start(String)}, with {@code overrides} (by environment variable name) added to the settings. */
  public static InProcessStack start(String prefix, Map<String, String> overrides) {
    String run = TestInfrastructure.unique(prefix);
    for (int attempt = 1; ; attempt++) {
      Map<String, String> settings = settings(run, TestInfrastructure.freePorts(3));
      settings.putAll(overrides);
      RunningStack stack;
      try {
        stack = RunningStack.start(StackConfig.from(settings), Role.parse(List.of()))
          .await(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception e) {
        if (attempt < ATTEMPTS && portWasTaken(e)) {
          LOG.info("In-process stack: {}; retrying on other ports", e.getMessage());
          continue;
        }
        throw new IllegalStateException("The in-process stack did not start (PG_URI=" + settings.get("PG_URI")
          + ", REDIS_URI=" + settings.get("REDIS_URI") + ", AMQP_URI=" + settings.get("AMQP_URI") + ")", e);
      }
      InProcessStack started = new InProcessStack(stack, settings);
      try {
        started.awaitHealthy();
      } catch (RuntimeException | AssertionError e) {
        started.close();
        throw e;
      }
      LOG.info("In-process stack up: gateway {}, schema {}, exchange {}", started.gatewayUrl(), started.schema(),
        started.eventsExchange());
      StackHttp.gatewayStarted(started.gatewayPort());
      return started;
    }
  }

  private static Map<String, String> settings(String run, int[] ports) {
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
    settings.put("PG_SCHEMA", run);
    settings.put("EVENTS_EXCHANGE", run + ".events");
    settings.put("SLACK_QUEUE", run + ".slack");
    settings.put("USER_QUEUE", run + ".user");
    settings.put("REDIS_KEY_PREFIX", run + ":");
    return settings;
  }

  /** Whether a start failed because a port was taken (the launcher's "... the port is in use; set X ..."). */
  static boolean portWasTaken(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof BindException || String.valueOf(cause.getMessage()).contains("the port is in use")) {
        return true;
      }
    }
    return false;
  }

  private void awaitHealthy() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest health = HttpRequest.newBuilder(gatewayUrl().resolve("/health")).timeout(Duration.ofSeconds(5)).build();
    await("the in-process gateway at " + gatewayUrl() + " reporting every service healthy")
      .atMost(READY_TIMEOUT)
      .pollInterval(Duration.ofMillis(200))
      .ignoreExceptions()
      .until(() -> http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
  }

  /** The running stack (its Vert.x instance and roles). */
  public RunningStack running() {
    return stack;
  }

  /** The launcher's view of the settings the stack was started with. */
  public StackConfig config() {
    return config;
  }

  /** The value of a setting by its environment variable name (e.g. {@code PG_SCHEMA}), or null. */
  public String setting(String env) {
    return settings.get(env);
  }

  public URI gatewayUrl() {
    return URI.create("http://127.0.0.1:" + gatewayPort());
  }

  public int gatewayPort() {
    return Integer.parseInt(settings.get("GATEWAY_HTTP_PORT"));
  }

  public int userPort() {
    return Integer.parseInt(settings.get("USER_HTTP_PORT"));
  }

  public int slackPort() {
    return Integer.parseInt(settings.get("SLACK_HTTP_PORT"));
  }

  public String pgUri() {
    return settings.get("PG_URI");
  }

  public String redisUri() {
    return settings.get("REDIS_URI");
  }

  public String amqpUri() {
    return settings.get("AMQP_URI");
  }

  public String schema() {
    return settings.get("PG_SCHEMA");
  }

  public String eventsExchange() {
    return settings.get("EVENTS_EXCHANGE");
  }

  public String slackQueue() {
    return settings.get("SLACK_QUEUE");
  }

  /** The queue of create-user commands. */
  public String userQueue() {
    return settings.get("USER_QUEUE");
  }

  public String redisKeyPrefix() {
    return settings.get("REDIS_KEY_PREFIX");
  }

  /** Stops the stack, then drops this run's schema, exchange, queues and Redis keys (each step best effort). */
  @Override
  public void close() {
    StackHttp.gatewayStopped(gatewayPort());
    try {
      Await.result(stack.close(), "closing the in-process stack");
    } finally {
      removeServerState();
    }
  }

  private void removeServerState() {
    Vertx vertx = Vertx.vertx();
    try {
      attempt("dropping schema " + schema(), TestInfrastructure.dropSchema(vertx, schema()));
      attempt("deleting the run's exchange and queues",
        TestInfrastructure.deleteQueuesAndExchange(vertx, List.of(userQueue(), slackQueue()), eventsExchange()));
      attempt("deleting the run's Redis keys", TestInfrastructure.deleteRedisKeys(vertx, redisKeyPrefix()));
    } finally {
      Await.result(vertx.close(), "closing the clean-up client");
    }
  }

  private static void attempt(String what, Future<?> step) {
    try {
      Await.result(step, what);
    } catch (RuntimeException | AssertionError e) {
      LOG.warn("Clean-up: {} failed: {}", what, e.getMessage());
    }
  }
}
