package io.microservicestack.gateway;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.microservicestack.common.Addresses;
import io.microservicestack.common.testing.BridgeSocket;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static io.microservicestack.gateway.GatewayFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge's refusals as an operator sees them: in the gateway's own {@code GET /metrics}, from a Vert.x with the
 * Prometheus registry the launcher gives it (real Redis for the budgets).
 */
@DisplayName("Refusals at the gateway, in /metrics")
class EdgeMetricsTest {

  private static final byte[] SECRET = "a-secret-of-the-edge-metrics-32-bytes".getBytes(StandardCharsets.UTF_8);
  private static final JsonObject HS = new JsonObject().put("typ", "JWT");

  private Vertx vertx;
  private WebClient web;
  private GatewayVerticle gateway;

  @BeforeEach
  void start() {
    vertx = Vertx.builder()
      .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))))
      .withMetrics(new MicrometerMetricsFactory(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)))
      .build();
    web = WebClient.create(vertx);
    Router slack = Router.router(vertx);
    slack.get("/messages").handler(ctx -> ctx.json(new JsonObject().put("items", new JsonArray())));
    gateway = GatewayFixture.deploy(vertx, GatewayFixture.config(vertx)
      .put("slackPort", GatewayFixture.fakeServer(vertx, slack).actualPort())
      .put("authMode", "jwt").put("jwtSecret", new String(SECRET, StandardCharsets.UTF_8))
      .put("redisUri", System.getenv().getOrDefault("REDIS_URI", "redis://127.0.0.1:6379"))
      .put("rateLimitRead", "1/1h")
      .put("bridgePort", 0));
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  @Test
  @DisplayName("Every series is there with zero before the first refusal; then each refusal counts under its budget or reason, never its subject or path.")
  void countsRefusals() throws Exception {
    String before = scrape();
    for (String budget : new String[] {"write", "read", "connect"}) {
      assertThat(value(before, "gateway_rate_limited_total", "budget=\"" + budget + "\"")).as(budget).isZero();
    }
    for (String reason : new String[] {"missing_token", "invalid_token", "insufficient_scope", "origin"}) {
      assertThat(value(before, "gateway_auth_refusals_total", "entry=\"http\",reason=\"" + reason + "\"")).as(reason).isZero();
    }

    String subject = "edge-" + UUID.randomUUID();
    String reader = Tokens.hs256(HS, Tokens.claims(subject, "users:read"), SECRET);
    String writerOnly = Tokens.hs256(HS, Tokens.claims(subject, "users:write"), SECRET);
    assertThat(get("/messages", null).statusCode()).isEqualTo(401);
    assertThat(get("/messages", "not-a-token").statusCode()).isEqualTo(401);
    assertThat(get("/messages", "not-a-token-either").statusCode()).isEqualTo(401);
    assertThat(get("/messages", writerOnly).statusCode()).isEqualTo(403);
    assertThat(get("/messages", reader).statusCode()).isEqualTo(200);
    assertThat(get("/messages", reader).statusCode()).isEqualTo(429);
    HttpResponse<Buffer> foreign = await(web.get(gateway.actualPort(), "127.0.0.1", "/ws/users")
      .putHeader("Origin", "https://elsewhere.example").send());
    assertThat(foreign.statusCode()).isEqualTo(403);
    try (BridgeSocket bridge = new BridgeSocket(gateway.bridgePort())) {
      JsonObject ping = new JsonObject().put("type", "send").put("address", Addresses.USERS_PING).put("replyAddress", "r");
      bridge.write(ping);
      assertThat(bridge.read().getString("type")).isEqualTo("err");
      bridge.write(ping.copy().put("headers", new JsonObject().put("authorization", "Bearer not-a-token")));
      assertThat(bridge.read().getString("type")).isEqualTo("err");
      bridge.write(ping.copy().put("headers", new JsonObject().put("authorization", "Bearer " + writerOnly)));
      assertThat(bridge.read().getString("type")).isEqualTo("err");
    }

    String after = scrape();
    assertThat(value(after, "gateway_rate_limited_total", "budget=\"read\"")).isEqualTo(1);
    assertThat(value(after, "gateway_rate_limited_total", "budget=\"write\"")).isZero();
    assertThat(value(after, "gateway_auth_refusals_total", "entry=\"http\",reason=\"missing_token\"")).isEqualTo(1);
    assertThat(value(after, "gateway_auth_refusals_total", "entry=\"http\",reason=\"invalid_token\"")).isEqualTo(2);
    assertThat(value(after, "gateway_auth_refusals_total", "entry=\"http\",reason=\"insufficient_scope\"")).isEqualTo(1);
    assertThat(value(after, "gateway_auth_refusals_total", "entry=\"http\",reason=\"origin\"")).isEqualTo(1);
    assertThat(value(after, "gateway_auth_refusals_total", "entry=\"bridge\",reason=\"missing_token\"")).isEqualTo(1);
    assertThat(value(after, "gateway_auth_refusals_total", "entry=\"bridge\",reason=\"invalid_token\"")).isEqualTo(1);
    assertThat(value(after, "gateway_auth_refusals_total", "entry=\"bridge\",reason=\"insufficient_scope\"")).isEqualTo(1);
    assertThat(after).doesNotContain(subject);
  }

  private HttpResponse<Buffer> get(String path, String token) {
    var request = web.get(gateway.actualPort(), "127.0.0.1", path);
    return await(token == null ? request.send() : request.bearerTokenAuthentication(token).send());
  }

  private String scrape() {
    HttpResponse<Buffer> metrics = get("/metrics", null);
    assertThat(metrics.statusCode()).isEqualTo(200);
    return metrics.bodyAsString();
  }

  /** The value of the series of {@code name} whose labels start with {@code labels}, or fails when there is none. */
  private static double value(String scrape, String name, String labels) {
    return scrape.lines().filter(line -> line.startsWith(name + "{" + labels + ","))
      .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
      .findFirst().orElseThrow(() -> new AssertionError(name + "{" + labels + "} is not in the scrape:\n" + scrape));
  }
}
