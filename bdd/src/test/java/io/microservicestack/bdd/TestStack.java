package io.microservicestack.bdd;

import io.microservicestack.common.testing.TestInfrastructure;
import io.microservicestack.stack.testing.InProcessStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;

import static org.awaitility.Awaitility.await;

/**
 * The stack the scenarios run against, one per test run.
 *
 * <p>With {@code BDD_BASE_URL} set (environment variable or system property), that already-running stack: nothing
 * is started, and the queue scenario reaches RabbitMQ at {@code BDD_AMQP_URI} (queue {@code BDD_USER_QUEUE},
 * default {@code user}), or is skipped when that is not set. Otherwise an {@link InProcessStack}: every role started
 * in this JVM on free ports, against the servers the module tests use ({@link TestInfrastructure}: PostgreSQL, Redis
 * and RabbitMQ at {@code PG_URI}, {@code REDIS_URI} and {@code AMQP_URI}, embedded ones for those not set), with a
 * schema, exchange, queues and Redis key prefix of this run's own, which are removed again when the stack is closed.
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
  private final InProcessStack stack;
  private final GatewayClient client;

  private TestStack(URI baseUrl, String amqpUri, String userQueue, InProcessStack stack) {
    this.baseUrl = baseUrl;
    this.amqpUri = amqpUri;
    this.userQueue = userQueue;
    this.stack = stack;
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
    return new TestStack(baseUrl, amqp, queue == null ? "user" : queue, null);
  }

  private static TestStack inProcess() {
    InProcessStack stack = InProcessStack.start("bdd");
    return new TestStack(stack.gatewayUrl(), stack.amqpUri(), stack.userQueue(), stack);
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
    if (stack != null) {
      stack.close();
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
