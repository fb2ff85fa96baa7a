package io.microservicestack.gateway;

import io.microservicestack.common.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.microservicestack.gateway.GatewayFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("GET /health")
class HealthRouteTest {

  private Vertx vertx;
  private WebClient web;
  private int userPort;
  private int slackPort;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.web = GatewayFixture.web(vertx);
    userPort = GatewayFixture.fakeServer(vertx, pong(vertx)).actualPort();
    slackPort = GatewayFixture.fakeServer(vertx, pong(vertx)).actualPort();
  }

  @Test
  @DisplayName("When every service answers its ping, it answers 200 with each one's time and response and status UP.")
  void allUp() {
    registerBusPing();
    HttpResponse<Buffer> response = health(new JsonObject());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactly("status", "user", "slack", "userRpc", "rateLimits", "circuits");
    assertThat(body.getJsonObject("rateLimits").getString("status")).isEqualTo("OFF");
    assertThat(body.getString("status")).isEqualTo("UP");
    for (String service : HealthRoute.CHECKS) {
      assertThat(body.getJsonObject(service).fieldNames()).containsExactlyInAnyOrder("time", "response");
      assertThat(body.getJsonObject(service).getString("response")).isEqualTo("pong");
      // A ping reported as answered took no longer than the health timeout (2 s by default).
      assertThat(body.getJsonObject(service).getLong("time")).isBetween(0L, 2_000L);
    }
  }

  @Test
  @DisplayName("When the slack service is down, it answers 503 with status DOWN and an error for slack only.")
  void oneDown() {
    registerBusPing();
    HttpResponse<Buffer> response = health(new JsonObject().put("slackPort", GatewayFixture.closedPort(vertx)));

    assertThat(response.statusCode()).isEqualTo(503);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("status")).isEqualTo("DOWN");
    assertThat(body.getJsonObject("slack").getString("error")).isNotBlank();
    assertThat(body.getJsonObject("slack").containsKey("response")).isFalse();
    assertThat(body.getJsonObject("user").getString("response")).isEqualTo("pong");
    assertThat(body.getJsonObject("userRpc").getString("response")).isEqualTo("pong");
  }

  @Test
  @DisplayName("When the user service hangs, it answers once healthTimeoutMs has passed, 503 with an error for user.")
  void hungService() {
    registerBusPing();
    Router hung = Router.router(vertx);
    hung.route().handler(ctx -> { });
    int hungPort = GatewayFixture.fakeServer(vertx, hung).actualPort();

    // The hung service never answers: an answer at all (the client waits far longer) is the timeout's doing.
    long start = System.nanoTime();
    HttpResponse<Buffer> response = health(new JsonObject().put("userPort", hungPort).put("healthTimeoutMs", 300));
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.bodyAsJsonObject().getJsonObject("user").getString("error")).isNotBlank();
    assertThat(response.bodyAsJsonObject().getJsonObject("slack").getString("response")).isEqualTo("pong");
    assertThat(elapsedMs).as("not before the 300 ms timeout").isGreaterThanOrEqualTo(250);
  }

  @Test
  @DisplayName("When nothing answers users.ping on the event bus, it answers 503 naming userRpc.")
  void busDown() {
    HttpResponse<Buffer> response = health(new JsonObject());

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.bodyAsJsonObject().getJsonObject("userRpc").getString("error")).isNotBlank();
    assertThat(response.bodyAsJsonObject().getJsonObject("user").getString("response")).isEqualTo("pong");
  }

  private HttpResponse<Buffer> health(JsonObject overrides) {
    JsonObject config = GatewayFixture.config(vertx).put("userPort", userPort).put("slackPort", slackPort).mergeIn(overrides);
    int port = GatewayFixture.deploy(vertx, config).actualPort();
    return await(web.get(port, "127.0.0.1", "/health").send());
  }

  private void registerBusPing() {
    await(vertx.eventBus().consumer(Addresses.USERS_PING, m -> m.reply(new JsonObject().put("response", "pong"))).completion());
  }

  private static Router pong(Vertx vertx) {
    Router router = Router.router(vertx);
    router.get("/health/ready").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    return router;
  }

  @Test
  @DisplayName("When the user service answers but is not ready (its database is down), it answers 503 with the reason for user.")
  void upstreamNotReady() {
    registerBusPing();
    Router notReady = Router.router(vertx);
    notReady.get("/ping").handler(ctx -> ctx.json(new JsonObject().put("response", "pong")));
    notReady.get("/health/ready").handler(ctx -> ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json")
      .end(new JsonObject().put("status", "DOWN").put("checks", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("id", "postgres").put("status", "DOWN").put("data", new JsonObject().put("error", "Connection refused"))))
        .encode()));
    int notReadyPort = GatewayFixture.fakeServer(vertx, notReady).actualPort();

    HttpResponse<Buffer> response = health(new JsonObject().put("userPort", notReadyPort));

    assertThat(response.statusCode()).isEqualTo(503);
    JsonObject user = response.bodyAsJsonObject().getJsonObject("user");
    assertThat(user.fieldNames()).containsExactlyInAnyOrder("time", "error");
    assertThat(user.getString("error")).isEqualTo("not ready: postgres DOWN (Connection refused)");
    assertThat(response.bodyAsJsonObject().getJsonObject("slack").getString("response")).isEqualTo("pong");
  }
}
