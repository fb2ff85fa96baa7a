package io.microservicestack.user;

import io.microservicestack.common.testing.TcpProxy;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.microservicestack.common.testing.TestInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
@DisplayName("The user service while PostgreSQL is unreachable")
class UserOutageTest {

  private TcpProxy proxy;

  /** A user service that reaches PostgreSQL through a proxy the test can cut. */
  private UserFixture deployBehindProxy(Vertx vertx, boolean cutFirst) throws Exception {
    PgConnectOptions pg = PgConnectOptions.fromUri(TestInfrastructure.pgUri());
    proxy = TcpProxy.start(vertx, pg.getHost(), pg.getPort()).await(5, TimeUnit.SECONDS);
    if (cutFirst) {
      proxy.cut();
    }
    String uri = "postgresql://" + pg.getUser() + (pg.getPassword() == null ? "" : ":" + pg.getPassword())
      + "@127.0.0.1:" + proxy.port() + "/" + pg.getDatabase();
    UserFixture users = new UserFixture();
    return users.deploy(vertx, users.config().put("pgUri", uri));
  }

  @AfterEach
  void closeProxy() throws Exception {
    if (proxy != null) {
      proxy.close().await(5, TimeUnit.SECONDS);
    }
  }

  private static HttpResponse<Buffer> create(UserFixture users) throws Exception {
    return users.client.post("/user")
      .sendJsonObject(new JsonObject().put("name", "outage").put("email", UserFixture.uniqueEmail()))
      .await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("Requests get a 503 (not a hang) while the database is down, and succeed again once it is back")
  void answers503AndRecovers(Vertx vertx) throws Exception {
    UserFixture users = deployBehindProxy(vertx, false);
    assertThat(create(users).statusCode()).isEqualTo(201);

    proxy.cut();
    HttpResponse<Buffer> down = create(users);

    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.getHeader("Content-Type")).isEqualTo("application/problem+json");
    HttpResponse<Buffer> health = users.client.get("/health").send().await(5, TimeUnit.SECONDS);
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(users.client.get("/users/1").send().await(5, TimeUnit.SECONDS).statusCode()).isEqualTo(503);

    proxy.restore();
    await("a user created once the database is back").atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(create(users).statusCode()).isEqualTo(201));
    assertThat(users.client.get("/health").send().await(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("A service started while the database is down answers 503, then migrates and serves once it is back")
  void startsWhileTheDatabaseIsDown(Vertx vertx) throws Exception {
    UserFixture users = deployBehindProxy(vertx, true);

    assertThat(create(users).statusCode()).isEqualTo(503);
    assertThat(users.client.get("/health").send().await(5, TimeUnit.SECONDS).statusCode()).isEqualTo(503);

    proxy.restore();
    await("a user created once the database is back and migrated").atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(create(users).statusCode()).isEqualTo(201));
  }

  @Test
  @DisplayName("A server that refuses connections ('too many connections', SQLSTATE 53300) is a 503, not a 500; the service serves again once it accepts them")
  void tooManyConnectionsIs503(Vertx vertx) throws Exception {
    PgConnectOptions pg = PgConnectOptions.fromUri(TestInfrastructure.pgUri());
    String role = TestInfrastructure.unique("limited");
    Pool admin = PgBuilder.pool().connectingTo(TestInfrastructure.pgUri()).using(vertx).build();
    try {
      sql(admin, "CREATE ROLE " + role + " LOGIN");
      sql(admin, "GRANT CREATE ON DATABASE " + pg.getDatabase() + " TO " + role);
      UserFixture users = new UserFixture();
      users.deploy(vertx, users.config().put("pgUri", "postgresql://" + role + "@" + pg.getHost() + ":" + pg.getPort() + "/" + pg.getDatabase()));
      assertThat(create(users).statusCode()).isEqualTo(201);

      // The role may not connect any more, and its connections are gone: the pool's next connection is refused.
      sql(admin, "ALTER ROLE " + role + " CONNECTION LIMIT 0");
      sql(admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");

      await("POST /user answering 503 for the refused connection").atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
        HttpResponse<Buffer> refused = create(users);
        assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(503);
        assertThat(refused.bodyAsJsonObject().getString("detail")).contains("too many connections");
      });
      sql(admin, "ALTER ROLE " + role + " CONNECTION LIMIT -1");
      await("a user created once connections are accepted again").atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(create(users).statusCode()).isEqualTo(201));
    } finally {
      sql(admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
      sql(admin, "DROP OWNED BY " + role + " CASCADE");
      sql(admin, "DROP ROLE " + role);
      admin.close();
    }
  }

  private static void sql(Pool pool, String statement) throws Exception {
    pool.query(statement).execute().await(10, TimeUnit.SECONDS);
  }
}
