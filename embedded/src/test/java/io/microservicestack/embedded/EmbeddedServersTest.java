package io.microservicestack.embedded;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgBuilder;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
class EmbeddedServersTest {

  private static final long TIMEOUT_S = 10;

  @Test
  @DisplayName("Starting all three gives three URIs on 127.0.0.1 that the stack's clients connect to")
  void startsAllThree(Vertx vertx, @TempDir Path dir) throws Exception {
    try (EmbeddedServers servers = EmbeddedServers.start(true, true, true, dir.resolve("pgdata"))) {
      assertThat(servers.isEmpty()).isFalse();
      assertThat(List.of(servers.pgUri(), servers.redisUri(), servers.amqpUri()))
        .allSatisfy(uri -> assertThat(URI.create(uri).getHost()).isEqualTo("127.0.0.1"));
      assertThat(servers.uris()).containsOnlyKeys("PG_URI", "REDIS_URI", "AMQP_URI");
      assertThat(servers.postgres().dataDirectory()).contains(dir.resolve("pgdata"));

      Pool pool = PgBuilder.pool().connectingTo(servers.pgUri()).using(vertx).build();
      assertThat(pool.query("SELECT 1").execute().await(TIMEOUT_S, TimeUnit.SECONDS).rowCount()).isEqualTo(1);
      pool.close().await(TIMEOUT_S, TimeUnit.SECONDS);

      RedisAPI redis = RedisAPI.api(Redis.createClient(vertx, servers.redisUri()));
      assertThat(redis.ping(List.of()).await(TIMEOUT_S, TimeUnit.SECONDS).toString()).isEqualTo("PONG");
      redis.close();

      RabbitMQClient amqp = RabbitMQClient.create(vertx, new RabbitMQOptions().setUri(servers.amqpUri()));
      amqp.start().await(TIMEOUT_S, TimeUnit.SECONDS);
      assertThat(amqp.isConnected()).isTrue();
      amqp.stop().await(TIMEOUT_S, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("Starting only Redis leaves PostgreSQL and AMQP null; close stops Redis and may be called twice")
  void startsOnlyWhatIsAskedFor() {
    EmbeddedServers servers = EmbeddedServers.start(false, true, false, null);
    assertThat(servers.pgUri()).isNull();
    assertThat(servers.amqpUri()).isNull();
    assertThat(servers.postgres()).isNull();
    assertThat(servers.amqp()).isNull();
    assertThat(servers.redisUri()).startsWith("redis://127.0.0.1:");
    assertThat(servers.uris()).containsOnlyKeys("REDIS_URI");
    int port = servers.redis().port();
    assertThat(LocalPorts.accepting(port)).isTrue();

    servers.close();
    assertThat(LocalPorts.accepting(port)).isFalse();
    servers.close();
  }

  @Test
  @DisplayName("Starting PostgreSQL and AMQP leaves Redis null; close stops both")
  void startsPostgresAndAmqp() {
    EmbeddedServers servers = EmbeddedServers.start(true, false, true, null);
    assertThat(servers.redisUri()).isNull();
    assertThat(servers.pgUri()).startsWith("postgresql://postgres@127.0.0.1:");
    assertThat(servers.amqpUri()).startsWith("amqp://guest:guest@127.0.0.1:");
    int pgPort = servers.postgres().port();
    int amqpPort = servers.amqp().port();

    servers.close();
    assertThat(LocalPorts.accepting(pgPort)).isFalse();
    assertThat(LocalPorts.accepting(amqpPort)).isFalse();
  }

  @Test
  @DisplayName("Asking for nothing starts nothing")
  void startsNothing() {
    try (EmbeddedServers servers = EmbeddedServers.start(false, false, false, null)) {
      assertThat(servers.isEmpty()).isTrue();
      assertThat(servers.uris()).isEmpty();
      assertThat(servers.pgUri()).isNull();
      assertThat(servers.redisUri()).isNull();
      assertThat(servers.amqpUri()).isNull();
    }
  }

  @Test
  @DisplayName("When one server cannot start, the start fails with its reason and the others are stopped")
  void failsWhenOneCannotStart(@TempDir Path dir) throws Exception {
    // A regular file where the data directory should be: PostgreSQL cannot start there.
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    long before = redisServers();
    assertThatThrownBy(() -> EmbeddedServers.start(true, true, false, notADirectory.resolve("pgdata")))
      .isInstanceOf(EmbeddedServerException.class)
      .hasMessageContaining("PostgreSQL");
    assertThat(redisServers()).isEqualTo(before);
  }

  /** How many redis-server processes this JVM runs. */
  private static long redisServers() {
    return ProcessHandle.current().descendants()
      .filter(p -> p.info().command().map(c -> c.contains("redis-server")).orElse(false))
      .count();
  }
}
