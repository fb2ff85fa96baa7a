package io.microservicestack.stack;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.microservicestack.common.Addresses;
import io.microservicestack.common.Topology;
import io.microservicestack.common.testing.BridgeSocket;
import io.microservicestack.stack.testing.InProcessStack;
import io.microservicestack.stack.testing.StackHttp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Captures what a running stack really puts on the wire besides HTTP (the {@code user.created} events, parked
 * messages, the bridge's replies and announcements) and validates each against {@code contracts/schemas}. The schemas
 * are closed ({@code additionalProperties: false}), so a field added in Java without a contract change fails here.
 */
@DisplayName("What the running stack sends matches contracts/")
class WireContractTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private static InProcessStack stack;
  private static Contracts contracts;
  private static Connection amqp;
  private static int bridgePort;

  @BeforeAll
  static void start() throws Exception {
    contracts = Contracts.load();
    bridgePort = StackProcess.freePort();
    stack = InProcessStack.start("contract", Map.of("BRIDGE_PORT", String.valueOf(bridgePort)));
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(stack.amqpUri());
    amqp = factory.newConnection("contract-test");
  }

  @AfterAll
  static void stop() throws IOException {
    if (amqp != null) {
      amqp.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @DisplayName("A created user's user.created event matches user-created-event.json, with message-id = event id, JSON content type, persistent.")
  void userCreatedEvent() throws Exception {
    try (Channel channel = amqp.createChannel()) {
      String queue = channel.queueDeclare().getQueue();
      channel.queueBind(queue, stack.eventsExchange(), Topology.USER_CREATED);
      String email = createUser("Event");

      GetResponse delivery = awaitMessage(channel, queue, body -> body.contains(email));
      JsonObject event = new JsonObject(new String(delivery.getBody(), StandardCharsets.UTF_8));
      AMQP.BasicProperties properties = delivery.getProps();

      contracts.assertValid("user-created-event.json", event);
      assertThat(delivery.getEnvelope().getRoutingKey()).isEqualTo("user.created");
      assertThat(properties.getMessageId()).isEqualTo(event.getString("id"));
      assertThat(properties.getContentType()).isEqualTo("application/json");
      assertThat(properties.getDeliveryMode()).isEqualTo(2);
      assertThat(properties.getType()).isEqualTo("user.created");
    }
  }

  @Test
  @DisplayName("The bridge's replies to users.get, users.list, users.feed and users.ping match their schemas.")
  void bridgeReplies() throws Exception {
    String email = createUser("Bridge");
    try (BridgeSocket bridge = new BridgeSocket(bridgePort)) {
      JsonObject feed = request(bridge, Addresses.USERS_FEED, new JsonObject().put("last", 5));
      JsonObject created = feed.getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(user -> user.getString("email").equals(email)).findFirst().orElseThrow();
      JsonObject user = request(bridge, Addresses.USERS_GET, new JsonObject().put("id", created.getLong("id")));
      JsonObject page = request(bridge, Addresses.USERS_LIST, new JsonObject().put("after", 0).put("limit", 2));
      JsonObject pong = request(bridge, Addresses.USERS_PING, new JsonObject());

      contracts.assertValid("feed-page.json", feed);
      contracts.assertValid("stored-user.json", user);
      contracts.assertValid("users-page.json", page);
      assertThat(contracts.validate("rpc-requests.json#/definitions/pong", pong).getValid()).as("%s", pong).isTrue();
      assertThat(user.getString("email")).isEqualTo(email);
    }
  }

  @Test
  @DisplayName("A users.created announcement received through the bridge matches feed-frame.json.")
  void createdAnnouncement() throws Exception {
    try (BridgeSocket bridge = new BridgeSocket(bridgePort)) {
      bridge.write(new JsonObject().put("type", "register").put("address", Addresses.USERS_CREATED));
      bridge.write(new JsonObject().put("type", "ping"));
      assertThat(bridge.read().getString("type")).isEqualTo("pong");
      String email = createUser("Announced");

      JsonObject frame = bridge.read();
      while (!email.equals(frame.getJsonObject("body").getString("email"))) {
        frame = bridge.read();
      }

      assertThat(frame.getString("address")).isEqualTo(Addresses.USERS_CREATED);
      contracts.assertValid("feed-frame.json", frame.getJsonObject("body"));
    }
  }

  @Test
  @DisplayName("Parked messages in both DLQs keep their body and carry x-reason and x-original-queue (dead-letter-headers.json).")
  void deadLetters() throws Exception {
    String marker = "poison-" + UUID.randomUUID();
    try (Channel channel = amqp.createChannel()) {
      channel.confirmSelect();
      JsonObject badCommand = new JsonObject().put("name", "").put("email", marker).put("requestId", marker);
      channel.basicPublish("", stack.userQueue(), new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
        badCommand.encode().getBytes(StandardCharsets.UTF_8));
      channel.basicPublish(stack.eventsExchange(), Topology.USER_CREATED,
        new AMQP.BasicProperties.Builder().deliveryMode(2).messageId(marker).build(), marker.getBytes(StandardCharsets.UTF_8));
      channel.waitForConfirmsOrDie(DEADLINE.toMillis());

      GetResponse command = awaitMessage(channel, Topology.dlq(stack.userQueue()), body -> body.contains(marker));
      GetResponse event = awaitMessage(channel, Topology.dlq(stack.slackQueue()), body -> body.equals(marker));

      assertThat(contracts.validate("create-user-command.json", badCommand).getValid()).isFalse();
      contracts.assertValid("dead-letter-headers.json", headers(command));
      contracts.assertValid("dead-letter-headers.json", headers(event));
      assertThat(headers(command).getString("x-original-queue")).isEqualTo(stack.userQueue());
      assertThat(headers(event).getString("x-original-queue")).isEqualTo(stack.slackQueue());
      assertThat(event.getProps().getMessageId()).isEqualTo(marker);
    }
  }

  @Test
  @DisplayName("The schemas are closed: an event, user or frame with one field more than the contract is refused.")
  void schemasAreClosed() {
    JsonObject user = new JsonObject().put("id", 1).put("name", "Ada").put("email", "ada@example.com")
      .put("createdAt", "2026-11-27T19:30:00.123456Z");
    JsonObject event = new JsonObject().put("id", UUID.randomUUID().toString()).put("type", "user.created")
      .put("occurredAt", "2026-11-27T19:30:00.123456Z").put("user", user);
    JsonObject command = new JsonObject().put("name", "Ada").put("email", "ada@example.com").put("requestId", "r-1");

    contracts.assertValid("user-created-event.json", event);
    contracts.assertValid("create-user-command.json", command);
    assertThat(contracts.validate("stored-user.json", user.copy().put("role", "admin")).getValid()).isFalse();
    assertThat(contracts.validate("user-created-event.json", event.copy().put("source", "x")).getValid()).isFalse();
    assertThat(contracts.validate("user-created-event.json", event.copy().put("user", user.copy().put("age", 3))).getValid()).isFalse();
    assertThat(contracts.validate("feed-frame.json", user.copy().put("position", "1-1").put("x", 1)).getValid()).isFalse();
    JsonObject withoutRequestId = command.copy();
    withoutRequestId.remove("requestId");
    assertThat(contracts.validate("create-user-command.json", withoutRequestId).getValid()).isFalse();
    assertThat(contracts.validate("create-user-command.json", command.copy().put("extra", 1)).getValid()).isFalse();
  }

  @Test
  @DisplayName("asyncapi.yaml is AsyncAPI 3, every schema it references exists, and every schema's $id is its own file name.")
  void asyncApiReferencesResolve() throws IOException {
    Map<String, Object> document;
    try (InputStream in = Files.newInputStream(Contracts.DIR.resolve("asyncapi.yaml"))) {
      document = new Yaml().load(in);
    }
    List<String> refs = new ArrayList<>();
    collectRefs(document, refs);

    assertThat(document.get("asyncapi")).isEqualTo("3.0.0");
    assertThat(refs).filteredOn(ref -> ref.startsWith("schemas/")).isNotEmpty()
      .allSatisfy(ref -> assertThat(Contracts.DIR.resolve(ref.replaceAll("#.*$", ""))).exists());
    for (Path file : Contracts.schemaFiles()) {
      assertThat(Contracts.read(file).getString("$id")).isEqualTo(Contracts.BASE_URI + file.getFileName());
    }
  }

  private static void collectRefs(Object node, List<String> refs) {
    if (node instanceof Map<?, ?> map) {
      map.forEach((key, value) -> {
        if ("$ref".equals(key) && value instanceof String ref) {
          refs.add(ref);
        } else {
          collectRefs(value, refs);
        }
      });
    } else if (node instanceof List<?> list) {
      list.forEach(item -> collectRefs(item, refs));
    }
  }

  /** Creates a user through the gateway; returns its (unique) email. */
  private static String createUser(String name) throws Exception {
    String email = name.toLowerCase() + "-" + UUID.randomUUID() + "@example.com";
    HttpRequest request = HttpRequest.newBuilder(stack.gatewayUrl().resolve(URI.create("/users")))
      .timeout(Duration.ofSeconds(10))
      .header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("name", name).put("email", email).encode()))
      .build();
    HttpResponse<String> response = StackHttp.send(request);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return email;
  }

  /** Sends a request through the bridge and returns the reply's body (failing on an err frame). */
  private static JsonObject request(BridgeSocket bridge, String address, JsonObject body) throws IOException {
    String replyAddress = "r-" + UUID.randomUUID();
    bridge.write(new JsonObject().put("type", "send").put("address", address).put("replyAddress", replyAddress).put("body", body));
    JsonObject reply = bridge.read();
    assertThat(reply.getString("type")).as("%s", reply).isEqualTo("message");
    assertThat(reply.getString("address")).isEqualTo(replyAddress);
    return reply.getJsonObject("body");
  }

  /** Polls {@code queue} until a message whose body matches arrives (acking what it reads), within the deadline. */
  private static GetResponse awaitMessage(Channel channel, String queue, java.util.function.Predicate<String> body) {
    AtomicReference<GetResponse> found = new AtomicReference<>();
    await("a message on " + queue).atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).until(() -> {
      GetResponse response = channel.basicGet(queue, true);
      if (response != null && body.test(new String(response.getBody(), StandardCharsets.UTF_8))) {
        found.set(response);
      }
      return found.get() != null;
    });
    return found.get();
  }

  private static JsonObject headers(GetResponse response) {
    Map<String, Object> headers = new HashMap<>();
    response.getProps().getHeaders().forEach((name, value) -> headers.put(name, String.valueOf(value)));
    return new JsonObject(headers);
  }

}
