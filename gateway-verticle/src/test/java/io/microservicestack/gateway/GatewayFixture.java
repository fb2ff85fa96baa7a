package io.microservicestack.gateway;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;

import io.microservicestack.common.testing.Await;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a gateway test sets up: a gateway deployed on a free port of 127.0.0.1, fake upstream servers, closed ports
 * for upstreams that are down, the users the fakes answer. Conditions are polled with Awaitility
 * ({@code await("what").atMost(...)}), futures awaited with {@link #await(Future)} (see {@link Await}); the gateway's
 * answers come through {@link #web(Vertx)}, which checks each against the contract.
 */
final class GatewayFixture {

  private GatewayFixture() {
  }

  /** The future's value, waiting a bounded time (from the test thread, never from an event loop). */
  static <T> T await(Future<T> future) {
    return Await.result(future);
  }

  /** A web client for the gateway whose every answer is checked against the contract ({@link ContractAnswers}). */
  static WebClient web(Vertx vertx) {
    return ContractAnswers.checking(WebClient.create(vertx));
  }

  /**
   * The status of the refused websocket upgrade of {@code uri} that {@code failure} should be; its answer is checked
   * against the contract like any other.
   */
  static int refusedUpgrade(Throwable failure, String uri) {
    assertThat(failure).isInstanceOf(UpgradeRejectedException.class);
    UpgradeRejectedException refused = (UpgradeRejectedException) failure;
    ContractAnswers.check("GET", uri, refused.getStatus(), refused.getHeaders().get("Content-Type"),
      refused.getBody() == null ? null : refused.getBody().toString());
    return refused.getStatus();
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

  /** What a fake user service answers to a create, as the real one does: 201 with the stored user in JSON. */
  static void created(RoutingContext ctx) {
    ctx.response().setStatusCode(201).putHeader("Location", "/users/1");
    ctx.json(user(1));
  }

  /** An empty page of messages, as the slack service answers {@code GET /messages}. */
  static JsonObject messagePage() {
    return new JsonObject().put("channel", "general").put("items", new io.vertx.core.json.JsonArray()).put("limit", 20).put("offset", 0);
  }

  static JsonObject user(long id) {
    return new JsonObject()
      .put("id", id)
      .put("name", "user " + id)
      .put("email", "user" + id + "@example.com")
      .put("createdAt", "2025-01-01T00:00:00." + String.format("%03d", id % 1000) + "Z");
  }
}
