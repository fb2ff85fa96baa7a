package io.microservicestack.user;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The user service's PostgreSQL: the migrations and the connection pool.
 *
 * <p>Migrations are Flyway's versioned SQL files under {@code db/migration/users}, applied over JDBC on a
 * worker thread at startup (Flyway locks the schema history, so several instances may start at once).
 * Requests use a non-blocking vertx-pg-client pool shared by every verticle instance in the JVM.
 */
public final class Database {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  /** How long a request waits for a connection (or a connect) before it is answered 503. */
  static final int CONNECT_TIMEOUT_MS = 1_000;

  private Database() {
  }

  /** Connect options for {@code config}, with the prepared-statement cache on and the schema as search path. */
  public static PgConnectOptions connectOptions(UserConfig config) {
    PgConnectOptions options = PgConnectOptions.fromUri(config.pgUri())
      .setCachePreparedStatements(true)
      .setReconnectAttempts(0);
    options.addProperty("search_path", config.pgSchema());
    options.addProperty("application_name", "microservice-stack-user");
    return options;
  }

  /** The pool shared by every instance of the service in this JVM. */
  public static Pool pool(Vertx vertx, UserConfig config) {
    PoolOptions poolOptions = new PoolOptions()
      .setMaxSize(config.poolSize())
      .setShared(true)
      .setName("users-" + config.pgUri() + "-" + config.pgSchema())
      .setConnectionTimeout(CONNECT_TIMEOUT_MS)
      .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
      .setMaxWaitQueueSize(10_000);
    return PgBuilder.pool()
      .with(poolOptions)
      .with(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS))
      .connectingTo(connectOptions(config))
      .using(vertx)
      .build();
  }

  /**
   * Applies the pending migrations, retrying every {@code retryMs} while PostgreSQL cannot be reached, so a
   * service started before its database comes up by itself.
   *
   * @return a future that completes after the first attempt (the service may start answering then), holding
   *     the future that completes once the schema is current
   */
  public static Future<Future<Void>> migrateWhenReachable(Vertx vertx, UserConfig config, long retryMs) {
    return migrate(vertx, config)
      .map(v -> Future.<Void>succeededFuture())
      .otherwise(failure -> {
        LOG.warn("Migrating PostgreSQL failed, retrying every {} ms: {}", retryMs, failure.getMessage());
        return retry(vertx, config, retryMs);
      });
  }

  private static Future<Void> retry(Vertx vertx, UserConfig config, long retryMs) {
    return vertx.timer(retryMs)
      .compose(v -> migrate(vertx, config))
      .recover(failure -> retry(vertx, config, retryMs));
  }

  /** The JDBC URL of the same database, for Flyway (migrations run over JDBC). */
  static String jdbcUrl(PgConnectOptions options) {
    return "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase() + "?connectTimeout=5";
  }

  /** Applies the pending migrations on a worker thread. */
  public static Future<Void> migrate(Vertx vertx, UserConfig config) {
    return vertx.executeBlocking(() -> {
      PgConnectOptions options = connectOptions(config);
      var result = Flyway.configure()
        .dataSource(jdbcUrl(options), options.getUser(), options.getPassword())
        .schemas(config.pgSchema())
        .defaultSchema(config.pgSchema())
        .createSchemas(true)
        .locations("classpath:db/migration/users")
        .load()
        .migrate();
      LOG.info("PostgreSQL schema {}: {} migrations applied, now at version {}", config.pgSchema(),
        result.migrationsExecuted, result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion);
      return null;
    }, false);
  }
}
