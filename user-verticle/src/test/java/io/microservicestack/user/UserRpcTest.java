package io.microservicestack.user;

import io.microservicestack.common.Addresses;
import io.microservicestack.common.FeedPosition;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The user service's event-bus RPC")
class UserRpcTest {

  private final UserFixture users = new UserFixture();
  private Vertx vertx;

  @BeforeAll
  void deploy(Vertx vertx) throws Exception {
    this.vertx = vertx;
    users.deploy(vertx, users.config());
  }

  private JsonObject request(String address, JsonObject body) throws Exception {
    return vertx.eventBus().<JsonObject>request(address, body).await(5, TimeUnit.SECONDS).body();
  }

  private JsonObject createUser(String name) throws Exception {
    return users.client.post("/users")
      .sendJsonObject(new JsonObject().put("name", name).put("email", UserFixture.uniqueEmail()))
      .await(5, TimeUnit.SECONDS).bodyAsJsonObject();
  }

  @Test
  @DisplayName("users.get answers the user with that id")
  void getsAUser() throws Exception {
    JsonObject created = createUser("rpc");
    assertThat(request(Addresses.USERS_GET, new JsonObject().put("id", created.getLong("id")))).isEqualTo(created);
  }

  @Test
  @DisplayName("users.get fails with code 404 for an unknown id and 400 for a bad one")
  void failsForUnknownIds() {
    assertThatThrownBy(() -> request(Addresses.USERS_GET, new JsonObject().put("id", 999_999_999L)))
      .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(404));
    assertThatThrownBy(() -> request(Addresses.USERS_GET, new JsonObject().put("id", "x")))
      .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(400));
  }

  @Test
  @DisplayName("users.list pages after a cursor and rejects a bad limit with code 400")
  void listsUsers() throws Exception {
    JsonObject first = createUser("first");
    JsonObject second = createUser("second");

    JsonObject page = request(Addresses.USERS_LIST, new JsonObject().put("after", first.getLong("id")).put("limit", 1));

    assertThat(page.getJsonArray("items").getJsonObject(0)).isEqualTo(second);
    assertThatThrownBy(() -> request(Addresses.USERS_LIST, new JsonObject().put("limit", 500)))
      .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(400));
  }

  @Test
  @DisplayName("users.feed holds back users committed after one whose transaction is still open, then releases them all in position order")
  void feedReleasesInPositionOrder() throws Exception {
    JsonObject before = createUser("before");
    String start = await("the user created before, final").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
      .until(() -> request(Addresses.USERS_FEED, new JsonObject().put("last", 1)).getString("position"),
        position -> position.endsWith("-" + before.getLong("id")));
    try (Connection held = UserFixture.jdbc()) {
      held.setAutoCommit(false);
      try (Statement statement = held.createStatement()) {
        statement.execute("INSERT INTO " + users.schema + ".users (name, email) VALUES ('held', '" + UserFixture.uniqueEmail() + "')");
      }
      JsonObject later = createUser("later");
      JsonObject last = createUser("last");

      JsonObject whileOpen = request(Addresses.USERS_FEED, new JsonObject().put("after", start));

      assertThat(whileOpen.getJsonArray("items")).as("nothing after the open transaction is final yet").isEmpty();
      assertThat(whileOpen.getString("position")).isEqualTo(start);
      held.commit();

      // Final once no older transaction is open anywhere on the server (another client of a shared one may hold one).
      JsonObject released = await("the three users released").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> request(Addresses.USERS_FEED, new JsonObject().put("after", start)), page -> page.getJsonArray("items").size() >= 3);

      assertThat(released.getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("name")))
        .containsExactly("held", "later", "last");
      assertThat(released.getJsonArray("items").getJsonObject(1).copy().put("position", null).fieldNames())
        .containsAll(later.fieldNames());
      assertThat(released.getString("position")).isEqualTo(released.getJsonArray("items").getJsonObject(2).getString("position"))
        .endsWith("-" + last.getLong("id"));
    }
    assertThatThrownBy(() -> request(Addresses.USERS_FEED, new JsonObject().put("after", "nope")))
      .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(400));
  }

  @Test
  @DisplayName("users.feed orders positions as numbers: a transaction id of 10 comes after one of 9, not before it as text would")
  void feedOrdersTransactionIdsAsNumbers() throws Exception {
    try (Connection connection = UserFixture.jdbc(); Statement statement = connection.createStatement()) {
      // far below every transaction still running, so both are final; the one with the larger id has the smaller xid
      statement.execute("INSERT INTO " + users.schema + ".users (name, email, xid) VALUES ('ten', '" + UserFixture.uniqueEmail()
        + "', '10'), ('nine', '" + UserFixture.uniqueEmail() + "', '9')");
    }

    JsonObject first = request(Addresses.USERS_FEED, new JsonObject().put("after", FeedPosition.START.toString()).put("limit", 1));
    JsonObject second = request(Addresses.USERS_FEED, new JsonObject().put("after", first.getString("position")).put("limit", 1));

    assertThat(first.getJsonArray("items").getJsonObject(0).getString("name")).isEqualTo("nine");
    assertThat(second.getJsonArray("items").getJsonObject(0).getString("name")).as("the next page, after 9").isEqualTo("ten");
  }

  @Test
  @DisplayName("users.ping answers pong")
  void pings() throws Exception {
    assertThat(request(Addresses.USERS_PING, new JsonObject())).isEqualTo(new JsonObject().put("response", "pong"));
  }
}
