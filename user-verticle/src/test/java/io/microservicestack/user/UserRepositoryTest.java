package io.microservicestack.user;

import io.microservicestack.common.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The user repository")
class UserRepositoryTest {

  private final UserFixture users = new UserFixture();
  private Pool pool;
  private UserRepository repository;

  @BeforeAll
  void migrate(Vertx vertx) throws Exception {
    users.deploy(vertx, users.config()); // runs the migrations on the fixture's schema
    pool = Database.pool(vertx, UserConfig.fromJson(users.config()));
    repository = new UserRepository(pool, Future.succeededFuture());
  }

  @AfterAll
  void close() {
    Await.result(pool.close(), "closing the pool");
  }

  /**
   * Two deliveries of one request at once, in the order that once made the second a 409 (seen in CI): the second
   * passes {@code ON CONFLICT (request_id)}'s check before the first's request id is in its index, then waits on the
   * first's row in the email index, and fails there once the first commits. The test holds the first transaction
   * open, its request id set only after the second is waiting, which is that order every time.
   */
  @Test
  @DisplayName("A create that meets the same request, committed while it waited on the email, answers that user (not 409)")
  void sameRequestCommittedWhileWaiting() throws Exception {
    String email = UserFixture.uniqueEmail();
    String requestId = "r-" + UUID.randomUUID();
    try (Connection first = UserFixture.jdbc(); Connection observer = UserFixture.jdbc()) {
      first.setAutoCommit(false);
      long firstPid;
      try (ResultSet rs = first.createStatement().executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        firstPid = rs.getLong(1);
      }
      try (PreparedStatement insert = first.prepareStatement("INSERT INTO " + users.schema + ".users (name, email) VALUES ('first', ?)")) {
        insert.setString(1, email);
        insert.executeUpdate();
      }

      Future<UserRepository.Created> second = repository.create(new NewUser("first", email), requestId);
      await("the second create waiting on the first").atMost(Duration.ofSeconds(20)).until(() -> waitingOn(observer, firstPid));
      try (PreparedStatement update = first.prepareStatement("UPDATE " + users.schema + ".users SET request_id = ? WHERE email = ?")) {
        update.setString(1, requestId);
        update.setString(2, email);
        update.executeUpdate();
      }
      first.commit();

      UserRepository.Created created = Await.result(second, "the second create");
      assertThat(created.event()).as("no second event").isNull();
      assertThat(created.user().getString("email")).isEqualTo(email);
      assertThat(created.user().getString("name")).isEqualTo("first");
    }
  }

  @Test
  @DisplayName("A create whose email another request took is a 409")
  void otherRequestSameEmailConflicts() throws Exception {
    String email = UserFixture.uniqueEmail();
    Await.result(repository.create(new NewUser("one", email), "r-" + UUID.randomUUID()), "the first create");

    Future<UserRepository.Created> other = repository.create(new NewUser("two", email), "r-" + UUID.randomUUID());

    assertThatThrownBy(() -> Await.result(other, "the second create")).hasMessageContaining("already exists");
  }

  private static boolean waitingOn(Connection observer, long pid) throws SQLException {
    try (PreparedStatement query = observer.prepareStatement(
      "SELECT count(*) FROM pg_stat_activity WHERE ?::int = ANY(pg_blocking_pids(pid))")) {
      query.setLong(1, pid);
      try (ResultSet rs = query.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }
}
