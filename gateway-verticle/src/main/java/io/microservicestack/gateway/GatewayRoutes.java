package io.microservicestack.gateway;

import io.microservicestack.common.ServiceHttp;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

import java.nio.file.Path;

/**
 * The gateway's router: the shared routes of {@link ServiceHttp} (with {@code GET /health} in the original
 * project's format, {@link HealthRoute}), the proxied routes ({@link ProxyRoutes}), the RPC routes
 * ({@link RpcRoutes}), each behind the {@link EdgeGuard} with its scope ({@link Scopes}) and budget, the websocket feed ({@link UserFeed}) and the page of {@code webRoot} at {@code /}.
 */
final class GatewayRoutes {

  private final GatewayConfig config;
  private final EdgeGuard guard;
  private final ProxyRoutes proxies;
  private final RpcRoutes rpc;
  private final HealthRoute health;
  private final UserFeed feed;

  GatewayRoutes(GatewayConfig config, EdgeGuard guard, ProxyRoutes proxies, RpcRoutes rpc, HealthRoute health, UserFeed feed) {
    this.config = config;
    this.guard = guard;
    this.proxies = proxies;
    this.rpc = rpc;
    this.health = health;
    this.feed = feed;
  }

  Router router(Vertx vertx) {
    // Ready as soon as it serves (and, clustered, while in the cluster): the gateway answers 503/504 itself for an
    // upstream that is away, and taking every gateway out of a load balancer for it would only make that worse.
    HealthChecks readiness = ServiceHttp.withCluster(vertx,
      HealthChecks.create(vertx).register("feed", promise -> promise.complete(Status.OK())));
    Router router = ServiceHttp.router(vertx, HealthCheckHandler.createWithHealthChecks(readiness), health);
    guard.install(router);
    router.get("/ws/users").handler(guard.websocket(Scopes.USERS_READ)).handler(feed::upgrade);
    // Each API route checks its caller first, on the route itself (one route per request: its template is the
    // route label of the HTTP meters).
    proxies.mount(router, guard);
    rpc.mount(router, guard);
    ApiDocs.mount(router);
    router.get("/*").handler(new PageHeaders()).handler(staticHandler(config.webRoot()));
    return router;
  }

  private static StaticHandler staticHandler(String webRoot) {
    boolean absolute = Path.of(webRoot).isAbsolute();
    return StaticHandler.create(absolute ? FileSystemAccess.ROOT : FileSystemAccess.RELATIVE, webRoot);
  }
}
