package io.microservicestack.user;

import io.microservicestack.common.HttpServers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.sqlclient.Pool;

/**
 * The user service: the HTTP API ({@link UserRoutes}), the event-bus RPC ({@link UserRpc}) and an outbox
 * relay ({@link OutboxRelay}), over a PostgreSQL pool shared by every instance in the JVM.
 */
public class UserVerticle extends VerticleBase {

  static final long MIGRATION_RETRY_MS = 2_000;

  private Pool pool;
  private OutboxRelay relay;
  private HttpServer server;

  @Override
  public Future<?> start() {
    UserConfig config = UserConfig.fromJson(config());
    pool = Database.pool(vertx, config);
    // The service answers (503, health DOWN) while PostgreSQL is unreachable and becomes ready by itself.
    return Database.migrateWhenReachable(vertx, config, MIGRATION_RETRY_MS)
      .compose(schemaReady -> serve(config, schemaReady));
  }

  private Future<?> serve(UserConfig config, Future<Void> schemaReady) {
    UserRepository repository = new UserRepository(pool, schemaReady);
    relay = config.relayEnabled() ? OutboxRelay.start(vertx, pool, config, schemaReady) : null;
    UserRoutes routes = new UserRoutes(new UserService(repository, relay), repository);
    return Future.all(
      new UserRpc(repository).register(vertx.eventBus()),
      HttpServers.listen(vertx, routes.router(vertx), "user service", config.httpHost(), config.httpPort())
        .onSuccess(s -> server = s));
  }

  @Override
  public Future<?> stop() {
    return HttpServers.shutdown(server)
      .compose(v -> relay == null ? Future.succeededFuture() : relay.stop())
      .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  /** The port the HTTP server is bound to (useful when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
