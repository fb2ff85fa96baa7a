package io.microservicestack.user;

import io.microservicestack.common.Topology;
import io.microservicestack.common.testing.BadBodies;
import io.microservicestack.common.testing.BadBodies.BadBody;
import io.microservicestack.common.testing.Await;
import io.microservicestack.common.testing.TestInfrastructure;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The user queue consumer")
class UserQueueTest {

  /** A schema of its own, dropped when the test JVM exits. */
  private final String schema = new UserFixture().schema;
  private final String queue = TestInfrastructure.unique("user");
  private final String exchange = TestInfrastructure.unique("events");
  private QueueProbe broker;
  private QueueProbe parked;
  private QueueProbe events;
  private Pool pg;

  @BeforeAll
  void deploy(Vertx vertx) throws Exception {
    JsonObject config = new JsonObject()
      .put("pgUri", TestInfrastructure.pgUri()).put("pgSchema", schema).put("pgPoolSize", 4)
      .put("amqpUri", TestInfrastructure.amqpUri()).put("commandQueue", queue).put("eventsExchange", exchange)
      .put("relaySweepMs", 200).put("queueHttpPort", 0);
    events = QueueProbe.connect(vertx).bind(exchange, "user.created");
    broker = QueueProbe.connect(vertx);
    // The verticle declares its queue once RabbitMQ answers, in the background: declare it first, as a
    // producer would, so that no command sent before then is dropped.
    broker.client.queueDeclare(queue, true, false, false).await(5, TimeUnit.SECONDS);
    vertx.deployVerticle(UserQueueVerticle::new, new DeploymentOptions().setConfig(config)).await(20, TimeUnit.SECONDS);
    parked = QueueProbe.connect(vertx).consume(Topology.dlq(queue));
    pg = PgBuilder.pool().connectingTo(TestInfrastructure.pgUri()).using(vertx).build();
  }

  @AfterAll
  void close(Vertx vertx) throws Exception {
    Await.result(TestInfrastructure.deleteQueuesAndExchange(vertx, List.of(queue), exchange), "deleting the test's queues and exchange");
    for (QueueProbe probe : new QueueProbe[] {broker, parked, events}) {
      probe.close();
    }
    pg.close();
  }

  private long usersWithEmail(String email) throws Exception {
    return pg.preparedQuery("SELECT count(*) FROM " + schema + ".users WHERE lower(email) = lower($1)")
      .execute(Tuple.of(email)).await(5, TimeUnit.SECONDS).iterator().next().getLong(0);
  }

  private void send(JsonObject command) throws Exception {
    broker.publish(queue, command.encode()).await(5, TimeUnit.SECONDS);
  }

  private static JsonObject command(String email) {
    return new JsonObject().put("name", "queued").put("email", email).put("requestId", UUID.randomUUID().toString());
  }

  private String parkedReason(String body) {
    return parked.received.stream().filter(m -> m.body().toString().equals(body)).findFirst()
      .map(m -> String.valueOf(m.properties().getHeaders().get(Topology.REASON_HEADER))).orElse(null);
  }

  @Test
  @DisplayName("A valid command creates the user, and its user.created event is published")
  void createsTheUser() throws Exception {
    String email = UserFixture.uniqueEmail();
    send(command(email));

    await("the user of the command in PostgreSQL").atMost(Duration.ofSeconds(10)).until(() -> usersWithEmail(email) == 1);
    await("the created user's event").atMost(Duration.ofSeconds(10)).until(() -> events.bodies().stream()
      .anyMatch(e -> e.getJsonObject("user").getString("email").equals(email)));
  }

  @Test
  @DisplayName("The same requestId delivered twice creates one user and parks nothing")
  void isIdempotentByRequestId() throws Exception {
    String email = UserFixture.uniqueEmail();
    JsonObject command = command(email);
    send(command);
    send(command);
    String marker = UserFixture.uniqueEmail();
    send(command(marker));

    // Commands are handled in order: once the marker exists, both copies have been handled.
    await("the user of the marker command").atMost(Duration.ofSeconds(10)).until(() -> usersWithEmail(marker) == 1);
    assertThat(usersWithEmail(email)).isEqualTo(1);
    assertThat(parkedReason(command.encode())).isNull();
  }

  @Test
  @DisplayName("An invalid command is parked in the DLQ with the reason, and creates nothing")
  void parksInvalidCommands() throws Exception {
    JsonObject invalid = new JsonObject().put("name", "").put("email", "not-an-email").put("requestId", "r-" + UUID.randomUUID());
    send(invalid);

    await("the invalid command parked").atMost(Duration.ofSeconds(10)).until(() -> parkedReason(invalid.encode()) != null);
    assertThat(parkedReason(invalid.encode())).contains("400").contains("email").contains("name");
    assertThat(parked.received.stream().filter(m -> m.body().toString().equals(invalid.encode())).findFirst().orElseThrow()
      .properties().getMessageId()).as("the id the dead-letter tool names it by").isNotBlank();
    assertThat(usersWithEmail("not-an-email")).isZero();
  }

  @Test
  @DisplayName("A command that is not JSON, or has no requestId, is parked with the reason")
  void parksMalformedCommands() throws Exception {
    broker.publish(queue, "not json").await(5, TimeUnit.SECONDS);
    JsonObject noRequestId = new JsonObject().put("name", "").put("email", UserFixture.uniqueEmail());
    send(noRequestId);

    await("the unreadable commands parked").atMost(Duration.ofSeconds(10)).until(() -> parkedReason("not json") != null && parkedReason(noRequestId.encode()) != null);
    assertThat(parkedReason("not json")).contains("400").contains("not valid JSON");
    assertThat(parkedReason(noRequestId.encode())).as("every invalid field is named").contains("requestId").contains("name");
  }

  @Test
  @DisplayName("A command for an email that exists is parked as a duplicate and the first user is kept")
  void parksDuplicates() throws Exception {
    String email = UserFixture.uniqueEmail();
    send(command(email));
    await("the user of the command in PostgreSQL").atMost(Duration.ofSeconds(10)).until(() -> usersWithEmail(email) == 1);

    JsonObject duplicate = command(email.toUpperCase());
    send(duplicate);

    await("the duplicate command parked").atMost(Duration.ofSeconds(10)).until(() -> parkedReason(duplicate.encode()) != null);
    assertThat(parkedReason(duplicate.encode())).contains("409").contains("already exists");
    assertThat(usersWithEmail(email)).isEqualTo(1);
  }

  @Test
  @DisplayName("Every command a strict JSON parser or UTF-8 decoder refuses, or with text PostgreSQL cannot store, is parked with the reason and creates nothing")
  void parksBadCommands() throws Exception {
    List<String> emails = new ArrayList<>();
    List<BadBody> bodies = new ArrayList<>();
    int cases = BadBodies.of(command(UserFixture.uniqueEmail()), "name").size();
    for (int i = 0; i < cases; i++) {
      String email = UserFixture.uniqueEmail();
      emails.add(email);
      bodies.add(BadBodies.of(command(email), "name").get(i));
    }
    for (BadBody body : bodies) {
      broker.publish(queue, body.buffer()).await(5, TimeUnit.SECONDS);
    }

    await("every bad command parked").atMost(Duration.ofSeconds(20)).until(() -> bodies.stream().allMatch(b -> parkedReason(b) != null));
    for (BadBody body : bodies) {
      assertThat(parkedReason(body)).as(body.name()).startsWith("400 ");
      if (body.field() != null) {
        assertThat(parkedReason(body)).as(body.name()).contains(body.field() + "=[must not contain");
      }
    }
    for (String email : emails) {
      assertThat(usersWithEmail(email)).isZero();
    }
  }

  @Test
  @DisplayName("A burst of commands acked in windows, an invalid one among them: each user created once, the invalid one parked with its reason, every command acked")
  void acksABurstInWindows(Vertx vertx) throws Exception {
    String burstQueue = TestInfrastructure.unique("burst");
    QueueProbe burstParked = QueueProbe.connect(vertx).consume(Topology.dlq(burstQueue));
    try {
      broker.client.queueDeclare(burstQueue, true, false, false).await(5, TimeUnit.SECONDS);
      String id = vertx.deployVerticle(UserQueueVerticle::new, new DeploymentOptions().setConfig(new JsonObject()
        .put("pgUri", TestInfrastructure.pgUri()).put("pgSchema", schema).put("pgPoolSize", 4)
        .put("amqpUri", TestInfrastructure.amqpUri()).put("commandQueue", burstQueue).put("eventsExchange", exchange)
        .put("queueHttpPort", 0))).await(20, TimeUnit.SECONDS);
      List<String> emails = new ArrayList<>();
      JsonObject invalid = new JsonObject().put("name", "").put("email", "burst-invalid").put("requestId", "r-" + UUID.randomUUID());
      for (int i = 0; i < 40; i++) {
        if (i == 20) {
          broker.publish(burstQueue, invalid.encode()).await(5, TimeUnit.SECONDS);
        }
        String email = UserFixture.uniqueEmail();
        emails.add(email);
        broker.publish(burstQueue, command(email).encode()).await(5, TimeUnit.SECONDS);
      }

      await("every user of the burst created").atMost(Duration.ofSeconds(20)).until(() -> {
        for (String email : emails) {
          if (usersWithEmail(email) != 1) {
            return false;
          }
        }
        return true;
      });
      await("the invalid command parked").atMost(Duration.ofSeconds(10)).until(() -> !burstParked.received.isEmpty());
      assertThat(String.valueOf(burstParked.received.get(0).properties().getHeaders().get(Topology.REASON_HEADER))).contains("400").contains("email");
      vertx.undeploy(id).await(20, TimeUnit.SECONDS);
      // Undeploying closes the consumer's connection: an unacked command would be back in the queue now.
      assertThat(TestInfrastructure.takeAll(broker.client, burstQueue)).as("commands left unacked").isZero();
    } finally {
      burstParked.close();
      Await.result(TestInfrastructure.deleteQueuesAndExchange(vertx, List.of(burstQueue), null), "deleting the burst queue");
    }
  }

  /** The reason a message with exactly these bytes was parked with, or null. */
  private String parkedReason(BadBody body) {
    return parked.received.stream().filter(m -> Arrays.equals(m.body().getBytes(), body.bytes())).findFirst()
      .map(m -> String.valueOf(m.properties().getHeaders().get(Topology.REASON_HEADER))).orElse(null);
  }
}
