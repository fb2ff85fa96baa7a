package io.microservicestack.user;

import io.microservicestack.common.Addresses;
import io.microservicestack.common.testing.Await;
import io.microservicestack.common.testing.TcpProxy;
import io.microservicestack.common.testing.TestInfrastructure;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
@DisplayName("The outbox relay")
class OutboxRelayTest {

  private final String exchange = TestInfrastructure.unique("events");
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private QueueProbe events;
  private Pool pg;

  @BeforeEach
  void probe(Vertx vertx) throws Exception {
    events = QueueProbe.connect(vertx).bind(exchange, "user.created");
    pg = PgBuilder.pool().connectingTo(TestInfrastructure.pgUri()).using(vertx).build();
  }

  @AfterEach
  void close(Vertx vertx) throws Exception {
    Await.result(TestInfrastructure.deleteQueuesAndExchange(vertx, List.of(), exchange), "deleting exchange " + exchange);
    events.close();
    pg.close();
    for (AutoCloseable c : cleanup) {
      c.close();
    }
  }

  private UserFixture deploy(Vertx vertx, UserFixture users, String amqpUri) throws Exception {
    return users.deploy(vertx, users.config().put("relayEnabled", true).put("eventsExchange", exchange)
      .put("amqpUri", amqpUri).put("relaySweepMs", 200));
  }

  private static JsonObject create(UserFixture users) throws Exception {
    var response = users.client.post("/user")
      .sendJsonObject(new JsonObject().put("name", "evented").put("email", UserFixture.uniqueEmail()))
      .await(5, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(201);
    return response.bodyAsJsonObject();
  }

  private long outboxRows(String schema) throws Exception {
    return pg.query("SELECT count(*) FROM " + schema + ".outbox").execute().await(5, TimeUnit.SECONDS)
      .iterator().next().getLong(0);
  }

  private TcpProxy amqpProxy(Vertx vertx) throws Exception {
    String amqp = TestInfrastructure.amqpUri();
    TcpProxy proxy = TcpProxy.start(vertx, TestInfrastructure.host(amqp), TestInfrastructure.port(amqp, 5672)).await(5, TimeUnit.SECONDS);
    cleanup.add(() -> proxy.close().await(5, TimeUnit.SECONDS));
    return proxy;
  }

  private static String proxiedUri(TcpProxy proxy) {
    return "amqp://guest:guest@127.0.0.1:" + proxy.port();
  }

  @Test
  @DisplayName("A created user becomes one persistent user.created event with the documented shape, and its outbox row is deleted")
  void publishesTheEvent(Vertx vertx) throws Exception {
    UserFixture users = deploy(vertx, new UserFixture(), TestInfrastructure.amqpUri());
    List<JsonObject> live = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.USERS_CREATED, m -> live.add(m.body()));

    JsonObject user = create(users);

    await("the created user's event").atMost(Duration.ofSeconds(10)).until(() -> events.received.size() == 1);
    var message = events.received.get(0);
    JsonObject event = message.body().toJsonObject();
    assertThat(UUID.fromString(event.getString("id"))).isNotNull();
    assertThat(event.getString("type")).isEqualTo("user.created");
    assertThat(Instant.parse(event.getString("occurredAt"))).isEqualTo(Instant.parse(user.getString("createdAt")));
    assertThat(event.getJsonObject("user")).isEqualTo(user);
    assertThat(message.properties().getDeliveryMode()).isEqualTo(2);
    assertThat(message.properties().getMessageId()).isEqualTo(event.getString("id"));
    assertThat(message.properties().getContentType()).isEqualTo("application/json");
    await("the outbox emptied").atMost(Duration.ofSeconds(15)).until(() -> outboxRows(users.schema) == 0);
    await("the user announced on the event bus").atMost(Duration.ofSeconds(15)).until(() -> live.size() == 1);
    assertThat(live.get(0).copy().put("position", null)).as("announced on users.created with its feed position")
      .isEqualTo(user.copy().put("position", null));
    assertThat(live.get(0).getString("position")).endsWith("-" + user.getLong("id"));
  }

  @Test
  @DisplayName("While RabbitMQ is unreachable users are still created, and their events go out once it is back")
  void survivesABrokerOutage(Vertx vertx) throws Exception {
    TcpProxy proxy = amqpProxy(vertx);
    proxy.cut();
    UserFixture users = deploy(vertx, new UserFixture(), proxiedUri(proxy));

    Set<String> emails = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      emails.add(create(users).getString("email"));
    }
    assertThat(outboxRows(users.schema)).isEqualTo(10);
    assertThat(events.received).isEmpty();

    proxy.restore();
    await("the outbox emptied").atMost(Duration.ofSeconds(20)).until(() -> outboxRows(users.schema) == 0);
    await("every event published").atMost(Duration.ofSeconds(15)).until(() -> events.received.size() >= 10);
    assertThat(events.bodies()).extracting(e -> e.getJsonObject("user").getString("email")).containsExactlyInAnyOrderElementsOf(emails);
  }

  @Test
  @DisplayName("When the broker drops the connection while users are being created, every user still gets its event")
  void survivesADroppedConnection(Vertx vertx) throws Exception {
    TcpProxy proxy = amqpProxy(vertx);
    UserFixture users = deploy(vertx, new UserFixture(), proxiedUri(proxy));

    Set<String> emails = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      if (i == 10) {
        proxy.cut();
      }
      if (i == 20) {
        proxy.restore();
      }
      emails.add(create(users).getString("email"));
    }

    await("the outbox emptied").atMost(Duration.ofSeconds(20)).until(() -> outboxRows(users.schema) == 0);
    await("every event published").atMost(Duration.ofSeconds(15)).until(() -> events.bodies().stream()
      .map(e -> e.getJsonObject("user").getString("email")).collect(java.util.stream.Collectors.toSet()).containsAll(emails));
  }

  @Test
  @DisplayName("Two relays on one outbox publish each event once")
  void twoRelaysDoNotDoublePublish(Vertx vertx) throws Exception {
    UserFixture first = deploy(vertx, new UserFixture(), TestInfrastructure.amqpUri());
    UserFixture second = deploy(vertx, new UserFixture(first.schema), TestInfrastructure.amqpUri());

    for (int i = 0; i < 25; i++) {
      create(first);
      create(second);
    }

    await("the outbox emptied").atMost(Duration.ofSeconds(20)).until(() -> outboxRows(first.schema) == 0);
    // Each row was confirmed before it was deleted, so every publish has reached the probe's queue by now.
    await("every event published").atMost(Duration.ofSeconds(15)).until(() -> events.received.size() >= 50);
    assertThat(events.bodies()).extracting(e -> e.getString("id")).doesNotHaveDuplicates().hasSize(50);
  }
}
