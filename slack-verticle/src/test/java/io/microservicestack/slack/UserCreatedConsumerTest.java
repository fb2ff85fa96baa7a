package io.microservicestack.slack;

import com.rabbitmq.client.AMQP;
import io.microservicestack.common.Topology;
import io.microservicestack.common.UserCreated;
import io.microservicestack.common.testing.TcpProxy;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.microservicestack.slack.SlackTestSupport.await;
import static io.microservicestack.slack.SlackTestSupport.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
@DisplayName("The user.created consumer")
class UserCreatedConsumerTest {

  private Vertx vertx;
  private JsonObject config;
  private RabbitMQClient publisher;
  private WebClient web;
  private final List<String> deployments = new ArrayList<>();
  private final List<TcpProxy> proxies = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    config = SlackTestSupport.config().put("maxAttempts", 2);
    publisher = SlackTestSupport.rabbit(vertx);
    web = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() {
    deployments.forEach(id -> await(vertx.undeploy(id)));
    proxies.forEach(proxy -> await(proxy.close()));
    await(publisher.stop());
    SlackTestSupport.cleanUp(vertx, config);
  }

  private int deploy() {
    SlackVerticle verticle = SlackTestSupport.deployHealthy(vertx, config);
    deployments.add(verticle.deploymentID());
    return verticle.actualPort();
  }

  /** Undeploys the service and counts the messages left in its queue: an unacked delivery goes back to the queue. */
  private long undeployAndCountLeftInQueue() {
    deployments.forEach(id -> await(vertx.undeploy(id)));
    deployments.clear();
    return await(publisher.messageCount(config.getString("userCreatedQueue")));
  }

  private TcpProxy proxyTo(URI server) {
    TcpProxy proxy = await(TcpProxy.start(vertx, server.getHost(), server.getPort()));
    proxies.add(proxy);
    return proxy;
  }

  /** Points the consumer at RabbitMQ through a proxy of the test's own, which the test can cut. */
  private TcpProxy rabbitThroughProxy() {
    URI amqp = SlackTestSupport.amqpAddress();
    TcpProxy proxy = proxyTo(amqp);
    config.put("amqpUri", amqp.getScheme() + "://" + amqp.getRawUserInfo() + "@127.0.0.1:" + proxy.port());
    return proxy;
  }

  private static UserCreated event(String email) {
    return new UserCreated(UUID.randomUUID(), Instant.now(), new JsonObject().put("id", 1).put("name", "Ann").put("email", email).put("createdAt", Instant.now().toString()));
  }

  private void publish(UserCreated event) {
    publish(event.toJson().toBuffer(), Map.of());
  }

  private void publish(Buffer body, Map<String, Object> headers) {
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).headers(headers).build();
    await(publisher.basicPublish(config.getString("eventsExchange"), Topology.USER_CREATED, properties, body));
  }

  private List<String> userChannel(int port) {
    return messages(web, port, UserCreatedConsumer.CHANNEL, 100).stream().map(m -> m.getString("message")).toList();
  }

  /** Polls the test's dead-letter queue until a message is there. */
  private RabbitMQMessage parked() {
    String dlq = Topology.dlq(config.getString("userCreatedQueue"));
    List<RabbitMQMessage> found = new ArrayList<>();
    await("a message parked in " + dlq).atMost(Duration.ofSeconds(10)).until(() -> {
      RabbitMQMessage message = await(publisher.basicGet(dlq, true));
      if (message != null) {
        found.add(message);
      }
      return !found.isEmpty();
    });
    return found.get(0);
  }

  @Test
  @DisplayName("A user.created event becomes the message 'User <email> created' in #user, with the event id as message id")
  void eventBecomesAMessage() {
    int port = deploy();
    UserCreated event = event("ann@example.com");

    publish(event);

    await("the message of ann@example.com").atMost(Duration.ofSeconds(10)).until(() -> userChannel(port).contains("User ann@example.com created"));
    JsonObject stored = messages(web, port, "#user", 10).get(0);
    assertThat(stored.getString("id")).isEqualTo(event.id().toString());
    assertThat(stored.getString("channel")).isEqualTo("#user");
    assertThat(undeployAndCountLeftInQueue()).as("the event was acked").isZero();
  }

  @Test
  @DisplayName("The same event delivered twice adds exactly one message")
  void duplicateEventIsWrittenOnce() {
    int port = deploy();
    UserCreated event = event("twice@example.com");

    publish(event);
    publish(event);
    publish(event("after@example.com"));

    await("the message of after@example.com").atMost(Duration.ofSeconds(10)).until(() -> userChannel(port).contains("User after@example.com created"));
    await("the duplicate staying unwritten").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
      .until(() -> userChannel(port).stream().filter("User twice@example.com created"::equals).count() == 1);
  }

  @Test
  @DisplayName("A message that is not JSON is parked in the dead-letter queue with its headers and an x-reason, and writes nothing")
  void notJsonIsParked() {
    int port = deploy();

    publish(Buffer.buffer("this is not json"), Map.of("x-origin", "test"));

    RabbitMQMessage parked = parked();
    assertThat(parked.body().toString()).isEqualTo("this is not json");
    assertThat(parked.properties().getHeaders().get(Topology.REASON_HEADER).toString()).contains("not valid JSON");
    assertThat(parked.properties().getHeaders().get("x-origin").toString()).isEqualTo("test");
    assertThat(userChannel(port)).isEmpty();
    assertThat(undeployAndCountLeftInQueue()).as("the parked message was acked").isZero();
  }

  @Test
  @DisplayName("An event without a user email is parked in the dead-letter queue with an x-reason, and writes nothing")
  void eventWithoutEmailIsParked() {
    int port = deploy();
    JsonObject invalid = event("x@example.com").toJson();
    invalid.getJsonObject("user").remove("email");

    publish(invalid.toBuffer(), Map.of());

    RabbitMQMessage parked = parked();
    assertThat(new JsonObject(parked.body())).isEqualTo(invalid);
    assertThat(parked.properties().getHeaders().get(Topology.REASON_HEADER).toString()).contains("email");
    assertThat(userChannel(port)).isEmpty();
  }

  @Test
  @DisplayName("An event whose write keeps failing is parked after maxAttempts deliveries")
  void eventFailingMaxAttemptsIsParked() {
    deploy();
    // A string where the #user list should be: every LPUSH fails with WRONGTYPE while Redis is up.
    String listKey = config.getString("keyPrefix") + "messages:#user";
    Redis redis = SlackTestSupport.redis(vertx);
    await(redis.send(Request.cmd(Command.SET).arg(listKey).arg("not a list")).eventually(redis::close));
    UserCreated event = event("broken@example.com");

    publish(event);

    RabbitMQMessage parked = parked();
    assertThat(new JsonObject(parked.body()).getString("id")).isEqualTo(event.id().toString());
    assertThat(parked.properties().getHeaders().get(Topology.REASON_HEADER).toString()).startsWith("failed 2 times");
  }

  @Test
  @DisplayName("While Redis is unreachable an event is requeued, never parked, and is written once Redis is back")
  void eventWaitsForRedis() {
    TcpProxy proxy = proxyTo(SlackTestSupport.redisAddress());
    config.put("redisUri", "redis://127.0.0.1:" + proxy.port());
    int port = deploy();
    proxy.cut();

    publish(event("patient@example.com"));

    String dlq = Topology.dlq(config.getString("userCreatedQueue"));
    await("nothing parked while Redis is away").during(Duration.ofMillis(1_000)).atMost(Duration.ofSeconds(10)).until(() -> await(publisher.messageCount(dlq)) == 0);
    proxy.restore();
    await("the message of patient@example.com").atMost(Duration.ofSeconds(10)).until(() -> userChannel(port).contains("User patient@example.com created"));
    assertThat(userChannel(port)).containsOnlyOnce("User patient@example.com created");
  }

  @Test
  @DisplayName("After the RabbitMQ connection is cut while events are published, every event gets exactly one message")
  void survivesAConnectionCut() {
    TcpProxy proxy = rabbitThroughProxy();
    int port = deploy();
    List<String> expected = new ArrayList<>();

    for (int i = 0; i < 60; i++) {
      if (i == 20) {
        proxy.cut();
      }
      String email = "user" + i + "@example.com";
      expected.add("User " + email + " created");
      publish(event(email));
    }
    await("the health check noticing the cut connection").atMost(Duration.ofSeconds(15)).until(() -> !rabbitUp(port));
    proxy.restore();

    await("a message for every event published").atMost(Duration.ofSeconds(20)).until(() -> userChannel(port).size() >= expected.size());
    assertThat(userChannel(port)).containsExactlyInAnyOrderElementsOf(expected);
    // The consumer still consumes after the reconnect.
    publish(event("later@example.com"));
    await("the message of later@example.com").atMost(Duration.ofSeconds(10)).until(() -> userChannel(port).contains("User later@example.com created"));
  }

  @Test
  @DisplayName("A message that cannot be processed, among valid events acked in the same window, is parked with its reason; every other event is written and acked")
  void poisonMessageInAnAckWindow() {
    int port = deploy();
    List<String> expected = new ArrayList<>();

    for (int i = 0; i < 40; i++) {
      if (i == 20) {
        publish(Buffer.buffer("poison"), Map.of());
      }
      String email = "window" + i + "@example.com";
      expected.add("User " + email + " created");
      publish(event(email));
    }

    RabbitMQMessage parked = parked();
    assertThat(parked.body().toString()).isEqualTo("poison");
    assertThat(parked.properties().getHeaders().get(Topology.REASON_HEADER).toString()).contains("not valid JSON");
    await("a message for every valid event").atMost(Duration.ofSeconds(10)).until(() -> userChannel(port).size() >= expected.size());
    assertThat(userChannel(port)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(undeployAndCountLeftInQueue()).as("every event acked, the parked one too").isZero();
  }

  @Test
  @DisplayName("A connection cut while written events wait for their acks: they are redelivered and each is still written once")
  void cutWhileAcksWait() {
    TcpProxy proxy = rabbitThroughProxy();
    int port = deploy();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String email = "acked" + i + "@example.com";
      expected.add("User " + email + " created");
      publish(event(email));
    }

    await("the first events written").atMost(Duration.ofSeconds(10)).until(() -> !userChannel(port).isEmpty());
    proxy.cut();
    await("the health check noticing the cut connection").atMost(Duration.ofSeconds(15)).until(() -> !rabbitUp(port));
    proxy.restore();

    await("a message for every event").atMost(Duration.ofSeconds(20)).until(() -> userChannel(port).size() >= expected.size());
    assertThat(userChannel(port)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(undeployAndCountLeftInQueue()).as("every event acked").isZero();
  }

  /** Whether the health endpoint reports the consumer connected to RabbitMQ. */
  private boolean rabbitUp(int port) {
    JsonObject health = await(web.get(port, "127.0.0.1", "/health").send()).bodyAsJsonObject();
    return health.getJsonArray("checks").stream().map(JsonObject.class::cast)
      .anyMatch(check -> check.getString("id").equals("rabbitmq") && check.getString("status").equals("UP"));
  }
}
