package io.microservicestack.slack;

import io.microservicestack.common.testing.Await;
import io.microservicestack.common.testing.TestInfrastructure;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQOptions;
import io.vertx.redis.client.Redis;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Deploys the slack service against the real Redis and RabbitMQ with names no other test uses, and cleans up. */
final class SlackTestSupport {

  static final long AWAIT_SECONDS = 15;

  private SlackTestSupport() {
  }

  /** A config with a unique key prefix, exchange and queue, a free port, and fast retries. */
  static JsonObject config() {
    return new JsonObject()
      .put("httpHost", "127.0.0.1")
      .put("httpPort", 0)
      .put("redisUri", TestInfrastructure.redisUri())
      .put("keyPrefix", TestInfrastructure.unique("slacktest") + ":")
      .put("amqpUri", TestInfrastructure.amqpUri())
      .put("amqpReconnectMs", 200)
      .put("eventsExchange", TestInfrastructure.unique("slacktest.events"))
      .put("userCreatedQueue", TestInfrastructure.unique("slacktest.user-created"))
      .put("redeliveryDelayMs", 100)
      .put("slackBackoffMs", 50);
  }

  /** Deploys a verticle with {@code config} and returns it (its port is bound). */
  static SlackVerticle deploy(Vertx vertx, JsonObject config) {
    SlackVerticle verticle = new SlackVerticle();
    await(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config)));
    return verticle;
  }

  /**
   * Deploys a verticle and waits (bounded) until it is healthy: its event consumer subscribes in the
   * background, and events published before that would find no queue bound yet.
   */
  static SlackVerticle deployHealthy(Vertx vertx, JsonObject config) {
    SlackVerticle verticle = deploy(vertx, config);
    WebClient web = WebClient.create(vertx);
    org.awaitility.Awaitility.await("the slack service reporting itself healthy").atMost(Duration.ofSeconds(AWAIT_SECONDS))
      .until(() -> get(web, verticle.actualPort(), "/health").statusCode() == 200);
    web.close();
    return verticle;
  }

  static <T> T await(Future<T> future) {
    return Await.result(future);
  }

  static HttpResponse<Buffer> get(WebClient client, int port, String uri) {
    return await(client.get(port, "127.0.0.1", uri).send());
  }

  static HttpResponse<Buffer> postJson(WebClient client, int port, String body) {
    return await(client.post(port, "127.0.0.1", "/").putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)));
  }

  /** The messages of {@code channel} as answered by {@code GET /messages}. */
  static List<JsonObject> messages(WebClient client, int port, String channel, int limit) {
    HttpResponse<Buffer> response = get(client, port, "/messages?channel=" + encode(channel) + "&limit=" + limit);
    if (response.statusCode() != 200) {
      throw new AssertionError("GET /messages answered " + response.statusCode() + ": " + response.bodyAsString());
    }
    List<JsonObject> items = new ArrayList<>();
    response.bodyAsJsonObject().getJsonArray("items").forEach(item -> items.add((JsonObject) item));
    return items;
  }

  static String encode(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A RabbitMQ client straight to the broker, for publishing and reading queues in tests. */
  static RabbitMQClient rabbit(Vertx vertx) {
    RabbitMQClient client = RabbitMQClient.create(vertx, new RabbitMQOptions().setUri(TestInfrastructure.amqpUri()));
    await(client.start());
    return client;
  }

  static Redis redis(Vertx vertx) {
    return Redis.createClient(vertx, TestInfrastructure.redisUri());
  }

  static URI redisAddress() {
    return URI.create(TestInfrastructure.redisUri());
  }

  static URI amqpAddress() {
    return URI.create(TestInfrastructure.amqpUri());
  }

  /** Deletes the test's exchange, queues and Redis keys. */
  static void cleanUp(Vertx vertx, JsonObject config) {
    Await.result(TestInfrastructure.deleteQueuesAndExchange(vertx, List.of(config.getString("userCreatedQueue")),
      config.getString("eventsExchange")), "deleting the test's queues and exchange");
    Await.result(TestInfrastructure.deleteRedisKeys(vertx, config.getString("keyPrefix")), "deleting the test's Redis keys");
  }
}
