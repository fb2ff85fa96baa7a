package io.microservicestack.embedded;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class EmbeddedPostgresTest {

  private static final long TIMEOUT_S = 10;

  @Test
  @DisplayName("An embedded PostgreSQL 16 serves vertx-pg-client: CREATE TABLE, INSERT ... RETURNING, SELECT")
  void servesThePgClient(Vertx vertx) throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
      assertThat(postgres.description()).startsWith("PostgreSQL 16.");
      assertThat(postgres.uri()).isEqualTo("postgresql://postgres@127.0.0.1:" + postgres.port() + "/postgres");
      assertThat(postgres.dataDirectory()).isEmpty();
      Pool pool = PgBuilder.pool().connectingTo(postgres.uri()).using(vertx).build();
      try {
        pool.query("CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL)").execute()
          .await(TIMEOUT_S, TimeUnit.SECONDS);
        RowSet<Row> inserted = pool.preparedQuery("INSERT INTO users (name) VALUES ($1), ($2) RETURNING id")
          .execute(Tuple.of("ada", "grace")).await(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(inserted.rowCount()).isEqualTo(2);
        RowSet<Row> rows = pool.query("SELECT name FROM users ORDER BY id").execute()
          .await(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(names(rows)).containsExactly("ada", "grace");
      } finally {
        pool.close().await(TIMEOUT_S, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  @DisplayName("Closing stops PostgreSQL: its port refuses connections, its log is gone, a second close does nothing")
  void closeStopsIt() throws Exception {
    EmbeddedPostgres postgres = EmbeddedPostgres.start();
    int port = postgres.port();
    assertThat(LocalPorts.accepting(port)).isTrue();
    assertThat(Files.readString(postgres.logFile())).contains("database system is ready to accept connections");
    postgres.close();
    assertThat(LocalPorts.accepting(port)).isFalse();
    assertThat(postgres.logFile()).doesNotExist();
    postgres.close();
  }

  @Test
  @DisplayName("With a data directory, rows written before a stop are there after the next start")
  void keepsDataAcrossRestarts(Vertx vertx, @TempDir Path dir) throws Exception {
    Path dataDir = dir.resolve("pgdata");
    try (EmbeddedPostgres postgres = EmbeddedPostgres.start(dataDir)) {
      assertThat(postgres.dataDirectory()).contains(dataDir);
      run(vertx, postgres.uri(), "CREATE TABLE notes (text TEXT)", "INSERT INTO notes VALUES ('kept')");
    }
    assertThat(dataDir.resolve("PG_VERSION")).exists();
    try (EmbeddedPostgres postgres = EmbeddedPostgres.start(dataDir)) {
      assertThat(names(run(vertx, postgres.uri(), "SELECT text FROM notes"))).containsExactly("kept");
    }
  }

  @Test
  @DisplayName("A PostgreSQL left running on the data directory by a killed JVM is stopped, and its data is kept")
  void recoversFromAKilledJvm(Vertx vertx, @TempDir Path dir) throws Exception {
    Path dataDir = dir.resolve("pgdata");
    int orphanPort;
    try (ChildJvm child = ChildJvm.start(dir, "postgres", dataDir.toString())) {
      String uri = child.uri();
      orphanPort = java.net.URI.create(uri).getPort();
      run(vertx, uri, "CREATE TABLE notes (text TEXT)", "INSERT INTO notes VALUES ('survived')");
      child.kill();
    }
    assertThat(LocalPorts.accepting(orphanPort)).as("the killed JVM's postmaster still runs").isTrue();
    assertThat(Files.exists(dataDir.resolve("postmaster.pid"))).isTrue();

    try (EmbeddedPostgres postgres = EmbeddedPostgres.start(dataDir)) {
      assertThat(names(run(vertx, postgres.uri(), "SELECT text FROM notes"))).containsExactly("survived");
      if (postgres.port() != orphanPort) {
        assertThat(LocalPorts.accepting(orphanPort)).as("the orphaned postmaster was stopped").isFalse();
      }
    }
  }

  /** Runs {@code statements} in order on a fresh pool and returns the last one's rows. */
  private static RowSet<Row> run(Vertx vertx, String uri, String... statements) throws Exception {
    Pool pool = PgBuilder.pool().connectingTo(uri).using(vertx).build();
    try {
      RowSet<Row> rows = null;
      for (String statement : statements) {
        rows = pool.query(statement).execute().await(TIMEOUT_S, TimeUnit.SECONDS);
      }
      return rows;
    } finally {
      pool.close().await(TIMEOUT_S, TimeUnit.SECONDS);
    }
  }

  private static List<String> names(RowSet<Row> rows) {
    List<String> names = new ArrayList<>();
    rows.forEach(row -> names.add(row.getString(0)));
    return names;
  }
}
