package io.microservicestack.user;

import io.microservicestack.common.ServiceHttp;
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
  /** The {@code role} label of this verticle's meters. */
  static final String ROLE = "user";

  private Pool pool;
  private OutboxRelay relay;
  private UserRpc rpc;
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
    relay = config.relayEnabled() ? OutboxRelay.start(vertx, pool, config, schemaReady, ROLE) : null;
    UserRoutes routes = new UserRoutes(new UserService(vertx.eventBus(), repository, relay, ROLE), repository);
    rpc = new UserRpc(repository);
    return Future.all(
      rpc.register(vertx.eventBus()),
      ServiceHttp.listen(vertx, routes.router(vertx), "user service", config.httpHost(), config.httpPort(), UserConfig.HTTP_PORT)
        .onSuccess(s -> server = s));
  }

  @Override
  public Future<?> stop() {
    return ServiceHttp.shutdown(server)
      .eventually(() -> rpc == null ? Future.succeededFuture() : rpc.unregister())
      .eventually(() -> relay == null ? Future.succeededFuture() : relay.stop())
      .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  /** The port the HTTP server is bound to (useful when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
