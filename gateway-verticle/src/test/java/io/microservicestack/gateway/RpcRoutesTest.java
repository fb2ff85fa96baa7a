package io.microservicestack.gateway;

import io.microservicestack.common.Addresses;
import io.microservicestack.common.Problem;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static io.microservicestack.gateway.GatewayFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("The event-bus RPC routes")
class RpcRoutesTest {

  private final Queue<JsonObject> requests = new ConcurrentLinkedQueue<>();
  private Vertx vertx;
  private WebClient web;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.web = GatewayFixture.web(vertx);
  }

  @Test
  @DisplayName("GET /users/{id} answers 200 with the user that users.get replies.")
  void getUserFound() {
    registerUsersGet();
    int port = gateway(new JsonObject());

    HttpResponse<Buffer> response = get(port, "/users/7");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(response.bodyAsJsonObject()).isEqualTo(GatewayFixture.user(7));
    assertThat(requests).containsExactly(new JsonObject().put("id", 7L));
  }

  @Test
  @DisplayName("GET /users/{id} answers a 404 problem when users.get fails with code 404.")
  void getUserNotFound() {
    registerUsersGet();
    int port = gateway(new JsonObject());

    HttpResponse<Buffer> response = get(port, "/users/8");

    assertProblem(response, 404);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("8");
  }

  @Test
  @DisplayName("GET /users/{id} with a non-numeric id answers a 400 problem without asking the user service.")
  void getUserBadId() {
    registerUsersGet();
    int port = gateway(new JsonObject());

    assertProblem(get(port, "/users/abc"), 400);
    assertProblem(get(port, "/users/-1"), 400);
    assertThat(requests).isEmpty();
  }

  @Test
  @DisplayName("GET /users/{id} answers a 503 problem without waiting for rpcTimeoutMs when no users.get consumer is registered.")
  void getUserNoConsumer() {
    // An RPC timeout far longer than the client waits: only an answer that does not wait for it arrives at all.
    int port = gateway(new JsonObject().put("rpcTimeoutMs", 600_000));

    HttpResponse<Buffer> response = get(port, "/users/7");

    assertProblem(response, 503);
  }

  @Test
  @DisplayName("GET /users/{id} answers a 504 problem once rpcTimeoutMs has passed when users.get never replies.")
  void getUserTimeout() {
    await(vertx.eventBus().consumer(Addresses.USERS_GET, message -> { }).completion());
    int port = gateway(new JsonObject().put("rpcTimeoutMs", 300));

    long start = System.nanoTime();
    HttpResponse<Buffer> response = get(port, "/users/7");
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;

    assertProblem(response, 504);
    assertThat(elapsedMs).as("not before the 300 ms timeout").isGreaterThanOrEqualTo(250);
  }

  @Test
  @DisplayName("GET /users?after=&limit= sends both to users.list and answers its page unchanged.")
  void listUsers() {
    registerUsersList();
    int port = gateway(new JsonObject());

    HttpResponse<Buffer> response = get(port, "/users?after=5&limit=2");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject())
      .isEqualTo(new JsonObject().put("items", new JsonArray().add(GatewayFixture.user(6)).add(GatewayFixture.user(7))).put("next", 7));
    assertThat(requests).containsExactly(new JsonObject().put("after", 5L).put("limit", 2));
  }

  @Test
  @DisplayName("GET /users without a query asks users.list for the first 20 users.")
  void listUsersDefaults() {
    registerUsersList();
    int port = gateway(new JsonObject());

    assertThat(get(port, "/users").statusCode()).isEqualTo(200);
    assertThat(requests).containsExactly(new JsonObject().put("after", 0L).put("limit", io.microservicestack.common.Paging.DEFAULT_LIMIT));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "after=-1, after",
    "after=x, after",
    "limit=0, limit",
    "limit=101, limit",
    "limit=1.5, limit",
    "after=9223372036854775808, after",
    "limit=%00, limit",
  })
  @DisplayName("GET /users with an invalid after or limit answers a 400 validation problem naming the field, without asking the user service.")
  void listUsersValidation(String query, String field) {
    registerUsersList();
    int port = gateway(new JsonObject());

    HttpResponse<Buffer> response = get(port, "/users?" + query);

    assertProblem(response, 400);
    assertThat(response.bodyAsJsonObject().getJsonObject("errors").fieldNames()).containsExactly(field);
    assertThat(requests).isEmpty();
  }

  @Test
  @DisplayName("GET /users answers a 400 problem when users.list fails with code 400.")
  void listUsersRejected() {
    await(vertx.eventBus().consumer(Addresses.USERS_LIST, message -> message.fail(400, "after is too large")).completion());
    int port = gateway(new JsonObject());

    HttpResponse<Buffer> response = get(port, "/users?after=9");

    assertProblem(response, 400);
    assertThat(response.bodyAsJsonObject().getString("detail")).isEqualTo("after is too large");
  }

  private void registerUsersGet() {
    await(vertx.eventBus().<JsonObject>consumer(Addresses.USERS_GET, message -> {
      requests.add(message.body());
      long id = message.body().getLong("id");
      if (id == 7) {
        message.reply(GatewayFixture.user(7));
      } else {
        message.fail(404, "No user with id " + id);
      }
    }).completion());
  }

  private void registerUsersList() {
    await(vertx.eventBus().<JsonObject>consumer(Addresses.USERS_LIST, message -> {
      requests.add(message.body());
      long after = message.body().getLong("after");
      int limit = message.body().getInteger("limit");
      JsonArray items = new JsonArray();
      for (long id = after + 1; id <= after + limit; id++) {
        items.add(GatewayFixture.user(id));
      }
      message.reply(new JsonObject().put("items", items).put("next", after + limit));
    }).completion());
  }

  private int gateway(JsonObject overrides) {
    return GatewayFixture.deploy(vertx, GatewayFixture.config(vertx).mergeIn(overrides)).actualPort();
  }

  private HttpResponse<Buffer> get(int port, String uri) {
    return await(web.get(port, "127.0.0.1", uri).send());
  }

  private static void assertProblem(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo(Problem.CONTENT_TYPE);
    assertThat(response.bodyAsJsonObject().getInteger("status")).isEqualTo(status);
  }
}
