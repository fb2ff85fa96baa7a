package io.microservicestack.gateway;

import io.microservicestack.common.Problem;
import io.microservicestack.common.testing.TcpProxy;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static io.microservicestack.gateway.GatewayFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

@ExtendWith(VertxExtension.class)
@DisplayName("Rate limits at the gateway (real Redis)")
class RateLimitTest {

  private static final String SECRET = "a-development-secret-of-32-bytes!";
  private static final URI REDIS = URI.create(System.getenv().getOrDefault("REDIS_URI", "redis://127.0.0.1:6379"));

  private Vertx vertx;
  private WebClient web;
  private int slackPort;
  /** A subject of its own per test: budgets live in the shared Redis for their whole period. */
  private final String subject = "rate-" + UUID.randomUUID();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    this.web = GatewayFixture.web(vertx);
    Router slack = Router.router(vertx);
    slack.get("/messages").handler(ctx -> ctx.json(GatewayFixture.messagePage()));
    slackPort = GatewayFixture.fakeServer(vertx, slack).actualPort();
  }

  private JsonObject config(String redisUri) {
    return GatewayFixture.config(vertx).put("slackPort", slackPort).put("authMode", "jwt").put("jwtSecret", SECRET)
      .put("redisUri", redisUri).put("rateLimitRead", "3/1h").put("rateLimitConnect", "1/1h");
  }

  private String token() {
    return Tokens.hs256(new JsonObject().put("typ", "JWT"), Tokens.claims(subject, "users:read"), SECRET.getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<Buffer> read(int port) {
    return await(web.get(port, "127.0.0.1", "/messages").bearerTokenAuthentication(token()).send());
  }

  @Test
  @DisplayName("Two gateways spend from one budget per subject; the one request over it is 429 with Retry-After and the RateLimit headers.")
  void sharedBudget() {
    int first = GatewayFixture.deploy(vertx, config(REDIS.toString())).actualPort();
    int second = GatewayFixture.deploy(vertx, config(REDIS.toString())).actualPort();

    HttpResponse<Buffer> a = read(first);
    HttpResponse<Buffer> b = read(second);
    HttpResponse<Buffer> c = read(first);
    HttpResponse<Buffer> over = read(second);

    assertThat(a.statusCode()).isEqualTo(200);
    assertThat(b.statusCode()).isEqualTo(200);
    assertThat(c.statusCode()).isEqualTo(200);
    assertThat(a.getHeader("RateLimit-Limit")).isEqualTo("3");
    assertThat(a.getHeader("RateLimit-Remaining")).isEqualTo("2");
    assertThat(b.getHeader("RateLimit-Remaining")).isEqualTo("1");
    assertThat(c.getHeader("RateLimit-Remaining")).isEqualTo("0");
    assertThat(Long.parseLong(c.getHeader("RateLimit-Reset"))).isPositive();
    assertThat(over.statusCode()).isEqualTo(429);
    assertThat(over.getHeader("Content-Type")).isEqualTo(Problem.CONTENT_TYPE);
    assertThat(over.bodyAsJsonObject().getInteger("status")).isEqualTo(429);
    assertThat(Long.parseLong(over.getHeader("Retry-After"))).isPositive();
    assertThat(over.getHeader("RateLimit-Limit")).isEqualTo("3");
    assertThat(over.getHeader("RateLimit-Remaining")).isEqualTo("0");
    assertThat(over.getHeader("RateLimit-Reset")).isNotNull();
  }

  @Test
  @DisplayName("A route without a budget has no RateLimit headers, and websocket connects have a budget of their own.")
  void connectBudget() {
    await(vertx.deployVerticle(new FakeUserBus(0), new DeploymentOptions()));
    int port = GatewayFixture.deploy(vertx, config(REDIS.toString()).put("rateLimitRead", "off")).actualPort();
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocketConnectOptions connect = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
      .setURI("/ws/users").addHeader("Authorization", "Bearer " + token());

    assertThat(read(port).getHeader("RateLimit-Limit")).isNull();
    await(client.connect(connect)).close();
    Throwable refused = catchThrowable(() -> await(client.connect(connect)));
    assertThat(GatewayFixture.refusedUpgrade(refused, "/ws/users")).isEqualTo(429);
  }

  @Test
  @DisplayName("With Redis cut away, requests are still answered and limited in-process, /health says DEGRADED but readiness stays 200; back to Redis when it returns.")
  void redisDown() {
    TcpProxy proxy = await(TcpProxy.start(vertx, REDIS.getHost(), REDIS.getPort()));
    int port = GatewayFixture.deploy(vertx, config("redis://127.0.0.1:" + proxy.port())).actualPort();
    assertThat(read(port).statusCode()).isEqualTo(200);
    assertThat(health(port).getString("status")).isEqualTo("UP");

    proxy.cut();

    // The in-process budget starts whole: three more, then the fourth is over.
    assertThat(read(port).statusCode()).isEqualTo(200);
    assertThat(read(port).statusCode()).isEqualTo(200);
    assertThat(read(port).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> over = read(port);
    assertThat(over.statusCode()).as("the in-process budget still limits").isEqualTo(429);
    assertThat(over.getHeader("Retry-After")).isNotNull();
    assertThat(health(port).getString("status")).isEqualTo("DEGRADED");
    assertThat(await(web.get(port, "127.0.0.1", "/health/ready").send()).statusCode()).isEqualTo(200);

    proxy.restore();
    org.awaitility.Awaitility.await("the expected outcome").atMost(java.time.Duration.ofSeconds(10)).until(() -> {
      read(port);
      return "UP".equals(health(port).getString("status"));
    });
    await(proxy.close());
  }

  private JsonObject health(int port) {
    return await(web.get(port, "127.0.0.1", "/health").send()).bodyAsJsonObject().getJsonObject("rateLimits");
  }
}
