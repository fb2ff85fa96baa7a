package io.microservicestack.stack;

import io.microservicestack.common.testing.Await;
import io.microservicestack.common.testing.TcpProxy;
import io.microservicestack.common.testing.TestInfrastructure;
import io.microservicestack.stack.testing.InProcessStack;
import io.microservicestack.stack.testing.StackHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The gateway's /health while PostgreSQL is away")
class HealthIT {

  private Vertx vertx;
  private TcpProxy postgres;
  private InProcessStack stack;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    PgConnectOptions pg = PgConnectOptions.fromUri(TestInfrastructure.pgUri());
    postgres = Await.result(TcpProxy.start(vertx, pg.getHost(), pg.getPort()), "the proxy in front of PostgreSQL");
    String throughProxy = "postgresql://" + pg.getUser() + (pg.getPassword() == null ? "" : ":" + pg.getPassword())
      + "@127.0.0.1:" + postgres.port() + "/" + pg.getDatabase();
    stack = InProcessStack.start("health", Map.of("PG_URI", throughProxy));
  }

  @AfterAll
  void stop() {
    postgres.restore();
    stack.close();
    Await.result(postgres.close(), "closing the proxy");
    Await.result(vertx.close(), "closing Vert.x");
  }

  @Test
  @DisplayName("Reports the user service not well, with the reason, and answers 503 while PostgreSQL is cut; 200 again once it is back")
  void reportsTheDatabase() throws Exception {
    assertThat(get("/health").statusCode()).isEqualTo(200);

    postgres.cut();
    try {
      await("the gateway's /health reporting the user service down").atMost(Duration.ofSeconds(15))
        .until(() -> get("/health").statusCode() == 503);
      JsonObject health = new JsonObject(get("/health").body());
      assertThat(health.getString("status")).isEqualTo("DOWN");
      assertThat(health.getJsonObject("user").fieldNames()).containsExactlyInAnyOrder("time", "error");
      assertThat(health.getJsonObject("user").getString("error")).startsWith("not ready: postgres DOWN");
      assertThat(health.getJsonObject("slack").getString("response")).isEqualTo("pong");
      assertThat(post("/user", new JsonObject().put("name", "n").put("email", "health-" + UUID.randomUUID() + "@example.com"))
        .statusCode()).as("what /health now tells the truth about").isEqualTo(503);
      assertThat(StackHttp.get("http://127.0.0.1:" + stack.userPort() + "/health/ready").statusCode())
        .as("the user service's own readiness").isEqualTo(503);
    } finally {
      postgres.restore();
    }

    await("the gateway's /health well again").atMost(Duration.ofSeconds(20)).until(() -> get("/health").statusCode() == 200);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return StackHttp.get(stack.gatewayUrl() + path);
  }

  private HttpResponse<String> post(String path, JsonObject body) throws Exception {
    return StackHttp.postJson(stack.gatewayUrl() + path, body.encode());
  }
}
