package io.microservicestack.gateway;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Helpers the gateway tests share: awaiting futures, fake servers, deploying a gateway. */
final class TestKit {

  private TestKit() {
  }

  /** The future's value, waiting at most 10 s (from the test thread, never from an event loop). */
  static <T> T await(Future<T> future) {
    try {
      return future.await(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the future did not complete within 10 s", e);
    }
  }

  /** A fake upstream HTTP server on a free port of 127.0.0.1. */
  static HttpServer fakeServer(Vertx vertx, Router router) {
    return await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
  }

  /** A port nothing listens on (bound, read back, closed again). */
  static int closedPort(Vertx vertx) {
    HttpServer server = await(vertx.createHttpServer().requestHandler(req -> req.response().end()).listen(0, "127.0.0.1"));
    int port = server.actualPort();
    await(server.close());
    return port;
  }

  /** Config for a gateway on a free port of 127.0.0.1 whose upstreams are closed ports unless overridden. */
  static JsonObject config(Vertx vertx) {
    return new JsonObject()
      .put("httpHost", "127.0.0.1")
      .put("httpPort", 0)
      .put("userPort", closedPort(vertx))
      .put("slackPort", closedPort(vertx));
  }

  /** Deploys a gateway with {@code config} and returns it (read its port with {@link GatewayVerticle#actualPort()}). */
  static GatewayVerticle deploy(Vertx vertx, JsonObject config) {
    GatewayVerticle gateway = new GatewayVerticle();
    await(vertx.deployVerticle(gateway, new DeploymentOptions().setConfig(config)));
    return gateway;
  }

  /** Awaitility polling every 10 ms (from the start) for at most {@code seconds}. */
  static ConditionFactory within(int seconds) {
    return Awaitility.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(seconds));
  }

  static JsonObject user(long id) {
    return new JsonObject()
      .put("id", id)
      .put("name", "user " + id)
      .put("email", "user" + id + "@example.com")
      .put("createdAt", "2025-01-01T00:00:00." + String.format("%03d", id % 1000) + "Z");
  }
}
