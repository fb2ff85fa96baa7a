package io.microservicestack.user;

import io.microservicestack.common.testing.TestServers;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.concurrent.TimeUnit;

/** Deploys a user service on a free port, in a schema of its own, against the real PostgreSQL. */
final class UserFixture {

  final String schema;
  final UserVerticle verticle = new UserVerticle();
  WebClient client;
  int port;

  /** A fixture with a schema of its own. */
  UserFixture() {
    this(TestServers.unique("users_test"));
  }

  /** A fixture on {@code schema}, e.g. a second service instance over the same tables. */
  UserFixture(String schema) {
    this.schema = schema;
  }

  /** A config for this fixture's schema; the relay off unless a test turns it on. */
  JsonObject config() {
    return new JsonObject()
      .put("httpHost", "127.0.0.1")
      .put("httpPort", 0)
      .put("pgUri", TestServers.pgUri())
      .put("pgSchema", schema)
      .put("pgPoolSize", 4)
      .put("relayEnabled", false);
  }

  UserFixture deploy(Vertx vertx, JsonObject config) throws Exception {
    vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config)).await(20, TimeUnit.SECONDS);
    port = verticle.actualPort();
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    return this;
  }

  static String uniqueEmail() {
    return TestServers.unique("user") + "@example.com";
  }
}
