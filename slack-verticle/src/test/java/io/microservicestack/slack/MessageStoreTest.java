package io.microservicestack.slack;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.UUID;

import static io.microservicestack.slack.SlackTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
@DisplayName("The Redis message store")
class MessageStoreTest {

  private Vertx vertx;
  private JsonObject config;
  private Redis redis;
  private MessageStore store;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    config = SlackTestSupport.config();
    redis = SlackTestSupport.redis(vertx);
    store = new MessageStore(redis, config.getString("keyPrefix"));
  }

  @AfterEach
  void tearDown() {
    await(redis.close());
    SlackTestSupport.cleanUp(vertx, config);
  }

  private static SlackMessage eventMessage(String id) {
    return new SlackMessage(id, "#user", "User a@example.com created", Instant.now());
  }

  @Test
  @DisplayName("An event's message is written once however often it is recorded, and its marker expires after 7 days")
  void addOnceIsIdempotent() {
    String id = UUID.randomUUID().toString();

    assertThat(await(store.addOnce(id, eventMessage(id)))).isTrue();
    assertThat(await(store.addOnce(id, eventMessage(id)))).isFalse();

    assertThat(await(store.list(new MessageQuery("#user", 10, 0)))).hasSize(1);
    long ttl = await(redis.send(Request.cmd(Command.TTL).arg(store.processedKey(id)))).toLong();
    assertThat(ttl).isBetween(MessageStore.PROCESSED_TTL_SECONDS - 60, MessageStore.PROCESSED_TTL_SECONDS);
  }

  @Test
  @DisplayName("A failed write leaves no processed marker, so the retried event is still written")
  void failedWriteLeavesNoMarker() {
    String id = UUID.randomUUID().toString();
    String listKey = store.messagesKey("#user");
    await(redis.send(Request.cmd(Command.SET).arg(listKey).arg("not a list")));

    assertThatThrownBy(() -> await(store.addOnce(id, eventMessage(id)))).hasMessageContaining("WRONGTYPE");
    assertThat(await(redis.send(Request.cmd(Command.EXISTS).arg(store.processedKey(id)))).toInteger()).isZero();

    await(redis.send(Request.cmd(Command.DEL).arg(listKey)));
    assertThat(await(store.addOnce(id, eventMessage(id)))).isTrue();
  }

  @Test
  @DisplayName("The script is sent in full when Redis does not have it cached (NOSCRIPT), and then runs from the cache")
  void loadsAnUncachedScript() {
    // A text of the script Redis has never seen, so its SHA is unknown (flushing the cache would disturb other tests).
    String script = MessageStore.ADD_ONCE_SCRIPT + "-- " + UUID.randomUUID() + "\n";
    MessageStore fresh = new MessageStore(redis, config.getString("keyPrefix"), script);
    String first = UUID.randomUUID().toString();
    String second = UUID.randomUUID().toString();

    assertThat(await(fresh.addOnce(first, eventMessage(first)))).isTrue();
    assertThat(await(fresh.addOnce(second, eventMessage(second)))).isTrue();
    assertThat(await(fresh.addOnce(second, eventMessage(second)))).isFalse();
    assertThat(await(store.list(new MessageQuery("#user", 10, 0)))).hasSize(2);
  }

  @Test
  @DisplayName("Failures of an event are counted, and the count expires")
  void countsFailures() {
    String id = UUID.randomUUID().toString();

    assertThat(await(store.countFailure(id))).isEqualTo(1);
    assertThat(await(store.countFailure(id))).isEqualTo(2);
    assertThat(await(redis.send(Request.cmd(Command.TTL).arg(store.attemptsKey(id)))).toLong()).isPositive();
  }
}
