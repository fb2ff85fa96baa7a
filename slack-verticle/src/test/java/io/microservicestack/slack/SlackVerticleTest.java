package io.microservicestack.slack;

import io.microservicestack.common.testing.TcpProxy;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.rabbitmq.RabbitMQClient;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.time.Duration;

import static io.microservicestack.slack.SlackTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("Deploying the slack verticle")
class SlackVerticleTest {

  private static Throwable deployFailure(Vertx vertx, JsonObject config) {
    return await(vertx.deployVerticle(new SlackVerticle(), new DeploymentOptions().setConfig(config))
      .map(id -> (Throwable) null).otherwise(e -> e));
  }

  @Test
  @DisplayName("Deployment fails with a message naming the key when a config value is invalid")
  void invalidConfigFails(Vertx vertx) {
    Throwable failure = deployFailure(vertx, SlackTestSupport.config().put("maxAttempts", "many"));

    assertThat(failure).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
  }

  @Test
  @DisplayName("When the events exchange exists with another type, /health reports RabbitMQ down instead of hanging")
  void topologyConflictIsReported(Vertx vertx) {
    JsonObject config = SlackTestSupport.config();
    RabbitMQClient rabbit = SlackTestSupport.rabbit(vertx);
    await(rabbit.exchangeDeclare(config.getString("eventsExchange"), "fanout", false, true));
    SlackVerticle verticle = new SlackVerticle();
    try {
      await(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config)));

      HttpResponse<Buffer> health = SlackTestSupport.get(WebClient.create(vertx), verticle.actualPort(), "/health");

      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.bodyAsString()).contains("rabbitmq");
    } finally {
      vertx.deploymentIDs().forEach(id -> await(vertx.undeploy(id)));
      await(rabbit.stop());
      SlackTestSupport.cleanUp(vertx, config);
    }
  }

  @Test
  @DisplayName("While RabbitMQ is unreachable at startup the service deploys and serves with /health down, and is healthy once RabbitMQ is reachable")
  void waitsForRabbitMq(Vertx vertx) {
    URI amqp = SlackTestSupport.amqpAddress();
    TcpProxy proxy = await(TcpProxy.start(vertx, amqp.getHost(), amqp.getPort()));
    proxy.cut();
    JsonObject config = SlackTestSupport.config()
      .put("amqpUri", amqp.getScheme() + "://" + amqp.getRawUserInfo() + "@127.0.0.1:" + proxy.port());
    SlackVerticle verticle = new SlackVerticle();
    try {
      await(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config)));
      WebClient web = WebClient.create(vertx);

      assertThat(SlackTestSupport.get(web, verticle.actualPort(), "/health").statusCode()).isEqualTo(503);
      assertThat(SlackTestSupport.get(web, verticle.actualPort(), "/ping").statusCode()).isEqualTo(200);
      proxy.restore();
      org.awaitility.Awaitility.await("/health answering 200 once the server is back").atMost(Duration.ofSeconds(15))
        .until(() -> SlackTestSupport.get(web, verticle.actualPort(), "/health").statusCode() == 200);
    } finally {
      vertx.deploymentIDs().forEach(id -> await(vertx.undeploy(id)));
      await(proxy.close());
      SlackTestSupport.cleanUp(vertx, config);
    }
  }
}
