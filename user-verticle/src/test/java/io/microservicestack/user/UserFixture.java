package io.microservicestack.user;

import io.microservicestack.common.testing.TestInfrastructure;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgConnectOptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Deploys a user service on a free port, in a schema of its own, against the real PostgreSQL. The schemas are
 * dropped when the test JVM exits.
 */
final class UserFixture {

  private static final Set<String> SCHEMAS = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(UserFixture::dropSchemas, "drop-test-schemas"));
  }

  final String schema;
  final UserVerticle verticle = new UserVerticle();
  WebClient client;
  int port;

  /** A fixture with a schema of its own. */
  UserFixture() {
    this(TestInfrastructure.unique("users_test"));
  }

  /** A fixture on {@code schema}, e.g. a second service instance over the same tables. */
  UserFixture(String schema) {
    this.schema = schema;
    SCHEMAS.add(schema);
  }

  /** A plain JDBC connection to the test PostgreSQL (for what the Vert.x client cannot do: a transaction held open). */
  static Connection jdbc() throws SQLException {
    PgConnectOptions pg = PgConnectOptions.fromUri(TestInfrastructure.pgUri());
    return DriverManager.getConnection(Database.jdbcUrl(pg), pg.getUser(), pg.getPassword());
  }

  /**
   * Drops every fixture's schema as the test JVM exits: over plain JDBC (no event loop to start in a shutdown hook),
   * each on its own, none waiting more than 5 s for a lock.
   */
  private static void dropSchemas() {
    try (Connection connection = jdbc(); Statement statement = connection.createStatement()) {
      statement.execute("SET lock_timeout = '5s'");
      for (String schema : SCHEMAS) {
        try {
          statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
          System.err.println("Could not drop test schema " + schema + ": " + e.getMessage());
        }
      }
    } catch (SQLException | RuntimeException e) {
      System.err.println("Could not drop the test schemas " + SCHEMAS + ": " + e.getMessage());
    }
  }

  /** A config for this fixture's schema; the relay off unless a test turns it on. */
  JsonObject config() {
    return new JsonObject()
      .put("httpHost", "127.0.0.1")
      .put("httpPort", 0)
      .put("queueHttpPort", 0)
      .put("pgUri", TestInfrastructure.pgUri())
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
    return TestInfrastructure.unique("user") + "@example.com";
  }
}
