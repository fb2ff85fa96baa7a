package io.microservicestack.slack;

import io.microservicestack.common.testing.TcpProxy;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.time.Duration;

import static io.microservicestack.slack.SlackTestSupport.await;
import static io.microservicestack.slack.SlackTestSupport.get;
import static io.microservicestack.slack.SlackTestSupport.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
@DisplayName("The slack health check")
class HealthTest {

  private Vertx vertx;
  private JsonObject config;
  private TcpProxy redisProxy;
  private TcpProxy amqpProxy;
  private WebClient web;
  private SlackVerticle verticle;

  /** Deploys the service with Redis and RabbitMQ each behind a proxy the test can cut. */
  @BeforeEach
  void deploy(Vertx vertx) {
    this.vertx = vertx;
    URI redis = SlackTestSupport.redisAddress();
    URI amqp = SlackTestSupport.amqpAddress();
    redisProxy = await(TcpProxy.start(vertx, redis.getHost(), redis.getPort()));
    amqpProxy = await(TcpProxy.start(vertx, amqp.getHost(), amqp.getPort()));
    config = SlackTestSupport.config()
      .put("redisUri", "redis://127.0.0.1:" + redisProxy.port())
      .put("amqpUri", amqp.getScheme() + "://" + amqp.getRawUserInfo() + "@127.0.0.1:" + amqpProxy.port());
    verticle = SlackTestSupport.deployHealthy(vertx, config);
    web = WebClient.create(vertx);
  }

  @AfterEach
  void cleanUp() {
    await(vertx.undeploy(verticle.deploymentID()));
    await(redisProxy.close());
    await(amqpProxy.close());
    SlackTestSupport.cleanUp(vertx, config);
  }

  private HttpResponse<Buffer> health() {
    return get(web, verticle.actualPort(), "/health");
  }

  private static String status(HttpResponse<Buffer> response, String check) {
    return response.bodyAsJsonObject().getJsonArray("checks").stream().map(JsonObject.class::cast)
      .filter(c -> c.getString("id").equals(check)).map(c -> c.getString("status")).findFirst().orElse("MISSING");
  }

  @Test
  @DisplayName("GET /health answers 200 with Redis and RabbitMQ up")
  void upWhenEverythingIsUp() {
    HttpResponse<Buffer> response = health();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo("UP");
    assertThat(status(response, "redis")).isEqualTo("UP");
    assertThat(status(response, "rabbitmq")).isEqualTo("UP");
  }

  @Test
  @DisplayName("GET /health answers 503 when Redis is cut away, and 200 again once it is back")
  void downWhenRedisIsCut() {
    redisProxy.cut();

    HttpResponse<Buffer> response = health();

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(status(response, "redis")).isEqualTo("DOWN");
    assertThat(status(response, "rabbitmq")).isEqualTo("UP");

    redisProxy.restore();
    await("/health answering 200 once Redis is back").atMost(Duration.ofSeconds(15)).until(() -> health().statusCode() == 200);
  }

  @Test
  @DisplayName("POST / and GET /messages answer 503 problem+json when Redis is cut away")
  void storeUnavailableIs503() {
    redisProxy.cut();

    HttpResponse<Buffer> post = postJson(web, verticle.actualPort(), "{\"channel\": \"#a\", \"message\": \"hi\"}");
    HttpResponse<Buffer> list = get(web, verticle.actualPort(), "/messages?channel=%23a");

    assertThat(post.statusCode()).isEqualTo(503);
    assertThat(post.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(list.statusCode()).isEqualTo(503);
  }

  @Test
  @DisplayName("GET /health answers 503 when the RabbitMQ connection is cut, and 200 again after the client reconnects")
  void downWhenRabbitMqIsCut() {
    amqpProxy.cut();

    await("/health answering 503 once the RabbitMQ connection is cut").atMost(Duration.ofSeconds(15)).until(() -> health().statusCode() == 503);
    assertThat(status(health(), "rabbitmq")).isEqualTo("DOWN");

    amqpProxy.restore();
    await("/health answering 200 once the client has reconnected").atMost(Duration.ofSeconds(15)).until(() -> health().statusCode() == 200);
  }
}
