package io.microservicestack.gateway;

import io.microservicestack.common.Problem;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.microservicestack.gateway.GatewayFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
@DisplayName("The gateway verticle")
class GatewayVerticleTest {

  private Vertx vertx;
  private WebClient web;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.web = GatewayFixture.web(vertx);
  }

  @Test
  @DisplayName("GET /ping answers {\"response\":\"pong\"}.")
  void ping() {
    int port = GatewayFixture.deploy(vertx, GatewayFixture.config(vertx)).actualPort();

    HttpResponse<Buffer> response = get(port, "/ping");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("response", "pong"));
  }

  @Test
  @DisplayName("An unknown path answers a 404 problem+json and a wrong method a 405 problem+json.")
  void unknownRoutesAreProblems() {
    int port = GatewayFixture.deploy(vertx, GatewayFixture.config(vertx)).actualPort();

    HttpResponse<Buffer> notFound = get(port, "/nothing-here");
    HttpResponse<Buffer> notAllowed = await(web.delete(port, "127.0.0.1", "/ping").send());

    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(notFound.getHeader("Content-Type")).isEqualTo(Problem.CONTENT_TYPE);
    assertThat(notAllowed.statusCode()).isEqualTo(405);
    assertThat(notAllowed.getHeader("Content-Type")).isEqualTo(Problem.CONTENT_TYPE);
  }

  @Test
  @DisplayName("A plain GET /ws/users (no websocket upgrade) answers a 426 problem.")
  void feedNeedsUpgrade() {
    int port = GatewayFixture.deploy(vertx, GatewayFixture.config(vertx)).actualPort();

    HttpResponse<Buffer> response = get(port, "/ws/users");

    assertThat(response.statusCode()).isEqualTo(426);
    assertThat(response.getHeader("Content-Type")).isEqualTo(Problem.CONTENT_TYPE);
  }

  @Test
  @DisplayName("GET / serves the bundled console, a page whose script module opens the live feed, with its security headers.")
  void bundledPage() {
    int port = GatewayFixture.deploy(vertx, GatewayFixture.config(vertx)).actualPort();

    HttpResponse<Buffer> response = get(port, "/");
    HttpResponse<Buffer> feedScript = get(port, "/feed.js");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("text/html");
    assertThat(response.bodyAsString()).contains("<script type=\"module\" src=\"app.js\"></script>");
    assertThat(response.getHeader("Content-Security-Policy")).isEqualTo(PageHeaders.CONTENT_SECURITY_POLICY);
    assertThat(feedScript.bodyAsString()).contains("/ws/users");
  }

  @Test
  @DisplayName("With webRoot set to a directory, GET / serves that directory's index.html.")
  void configuredWebRoot(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("index.html"), "<h1>custom</h1>");
    int port = GatewayFixture.deploy(vertx, GatewayFixture.config(vertx).put("webRoot", dir.toString())).actualPort();

    HttpResponse<Buffer> response = get(port, "/");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).isEqualTo("<h1>custom</h1>");
  }

  @Test
  @DisplayName("Undeploying the gateway closes its websockets with 1001 and stops listening.")
  void stopClosesWebsockets() {
    GatewayVerticle gateway = GatewayFixture.deploy(vertx, GatewayFixture.config(vertx));
    int port = gateway.actualPort();
    WebSocketClient client = vertx.createWebSocketClient();
    FeedProbe probe = await(FeedProbe.connect(client, port, "/ws/users"));

    await(vertx.undeploy(gateway.deploymentID()));

    // The undeploy completes once the gateway has sent the close; the client's side sees it a moment later.
    Awaitility.await("the client's websocket closed").atMost(Duration.ofSeconds(10)).until(() -> probe.closed);
    assertThat(probe.closeCode).isEqualTo((short) 1001);
    assertThat(probe.closeReason).isEqualTo("gateway shutting down");
    assertThatThrownBy(() -> get(port, "/ping")).hasMessageContaining("Connection refused");
  }

  @Test
  @DisplayName("Several instances share the port, and each instance's feed gets every event for its own clients.")
  void severalInstances() {
    FakeUserBus bus = new FakeUserBus(0);
    await(vertx.deployVerticle(bus));
    // Port 0 would give each instance its own random port: share one that was free a moment ago instead, and
    // try again on another when something took it before the gateway bound it.
    List<GatewayVerticle> instances = deployTwoInstancesOnOnePort();
    int port = instances.get(0).actualPort();
    assertThat(instances).extracting(GatewayVerticle::actualPort).containsOnly(port);
    WebSocketClient client = vertx.createWebSocketClient();
    List<FeedProbe> probes = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 4; i++) {
      probes.add(await(FeedProbe.connect(client, port, "/ws/users")));
    }
    assertThat(instances).allSatisfy(gateway -> assertThat(gateway.feed().clientCount()).isPositive());

    await(bus.create());

    org.awaitility.Awaitility.await("the user's frame on each of the four websockets").atMost(Duration.ofSeconds(10))
      .until(() -> probes.stream().allMatch(p -> p.users.size() == 1));
  }

  private List<GatewayVerticle> deployTwoInstancesOnOnePort() {
    for (int attempt = 1; ; attempt++) {
      List<GatewayVerticle> instances = new CopyOnWriteArrayList<>();
      JsonObject config = GatewayFixture.config(vertx).put("httpPort", GatewayFixture.closedPort(vertx));
      try {
        await(vertx.deployVerticle(() -> {
          GatewayVerticle gateway = new GatewayVerticle();
          instances.add(gateway);
          return gateway;
        }, new DeploymentOptions().setInstances(2).setConfig(config)));
        return instances;
      } catch (RuntimeException e) {
        if (attempt == 3 || !String.valueOf(e.getMessage()).contains("the port is in use")) {
          throw e;
        }
      }
    }
  }

  @Test
  @DisplayName("An empty config gives the documented defaults, and values given as strings (from env vars) are read.")
  void configDefaults() {
    GatewayConfig defaults = GatewayConfig.fromJson(new JsonObject());
    GatewayConfig fromEnv = GatewayConfig.fromJson(new JsonObject().put("httpPort", "9100").put("wsMaxBuffered", "50"));

    assertThat(defaults).isEqualTo(new GatewayConfig(null, 8100, "127.0.0.1", 8101, "127.0.0.1", 8102,
      5_000, 3_000, 2_000, 1_000, 30_000, 1_000, "webroot", 0, GatewayConfig.BRIDGE_OFF, 65_536,
      new AuthConfig(AuthConfig.Mode.OFF, null, null, null, null, List.of(), 30, 30_000, List.of()),
      new EdgeLimits("redis://127.0.0.1:6379", RateBudget.OFF, RateBudget.OFF, RateBudget.OFF, 5, 10_000)));
    assertThat(defaults.bindHost()).as("open API: this machine only").isEqualTo("127.0.0.1");
    assertThat(GatewayConfig.fromJson(defaults.toJson())).isEqualTo(defaults);
    assertThat(fromEnv.httpPort()).isEqualTo(9100);
    assertThat(fromEnv.wsMaxBuffered()).isEqualTo(50);
    assertThatThrownBy(() -> GatewayConfig.fromJson(new JsonObject().put("wsMaxBuffered", 0)))
      .hasMessageContaining("wsMaxBuffered");
  }

  private HttpResponse<Buffer> get(int port, String uri) {
    return await(web.get(port, "127.0.0.1", uri).send());
  }
}
