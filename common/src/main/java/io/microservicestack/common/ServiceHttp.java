package io.microservicestack.common;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.internal.VertxInternal;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP side every service shares: the router template, listening, and a graceful stop.
 *
 * <p>{@link #router} gives each service the same base: problem+json for every error, {@code GET /ping}, and the
 * health endpoints for probes: {@code GET /health/live} (the process serves), {@code GET /health/ready} and
 * {@code GET /health} (the service's own dependencies answer: 200, or 503 naming what is down); and, when the
 * launcher enabled metrics, {@code GET /metrics} in the Prometheus text format ({@link Metrics}).
 */
public final class ServiceHttp {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceHttp.class);
  /** How long a stopping server lets in-flight requests finish. */
  public static final long SHUTDOWN_GRACE_SECONDS = 10;
  /**
   * The longest request line ({@code METHOD URI HTTP/1.1}) in bytes; a longer one is answered 414 URI Too Long
   * (problem+json, {@link InvalidRequests}).
   * Netty's default, kept on purpose: the longest URI of the API (a feed position or a paging query) is far shorter.
   */
  public static final int MAX_INITIAL_LINE_BYTES = 4_096;
  /**
   * The most all request headers together may hold, in bytes; more is answered 431 Request Header Fields Too Large.
   * Room for a bearer token of several KiB and the usual browser headers.
   */
  public static final int MAX_HEADER_BYTES = 8_192;
  private static final JsonObject LIVE = new JsonObject().put("status", "UP");
  /** Liveness for probes: 200 while the process serves HTTP. */
  public static final String LIVE_PATH = "/health/live";
  /** Readiness for probes: 200 when the service's own dependencies answer, 503 naming those that do not. */
  public static final String READY_PATH = "/health/ready";

  private ServiceHttp() {
  }

  /**
   * A router with the shared routes; {@code readiness} holds the service's dependency checks ({@link #withCluster}
   * adds the cluster's).
   */
  public static Router router(Vertx vertx, HealthChecks readiness) {
    HealthCheckHandler ready = HealthCheckHandler.createWithHealthChecks(withCluster(vertx, readiness));
    return router(vertx, ready, ready);
  }

  /** A router with the shared routes, where {@code GET /health} has a format of its own (the gateway's). */
  public static Router router(Vertx vertx, Handler<RoutingContext> ready, Handler<RoutingContext> health) {
    Router router = ProblemHandler.installOn(Router.router(vertx));
    router.get("/ping").respond(ctx -> Future.succeededFuture(Rpc.pong()));
    router.get(LIVE_PATH).respond(ctx -> Future.succeededFuture(LIVE));
    router.get(READY_PATH).handler(ready);
    router.get("/health").handler(health);
    Handler<RoutingContext> metrics = Metrics.scrapeHandler();
    if (metrics != null) {
      router.get("/metrics").handler(metrics);
    }
    return router;
  }

  /** Options for a server on {@code host:port} with the request limits every service shares. */
  public static HttpServerOptions serverOptions(String host, int port) {
    return new HttpServerOptions()
      .setHost(host)
      .setPort(port)
      .setMaxInitialLineLength(MAX_INITIAL_LINE_BYTES)
      .setMaxHeaderSize(MAX_HEADER_BYTES);
  }

  /**
   * Adds a {@code cluster} check to {@code checks} when {@code vertx} is clustered: DOWN once the cluster manager is
   * no longer active (left or lost the cluster), when the event bus no longer reaches the other roles.
   */
  public static HealthChecks withCluster(Vertx vertx, HealthChecks checks) {
    if (vertx.isClustered() && vertx instanceof VertxInternal internal) {
      checks.register("cluster", promise -> promise.complete(internal.clusterManager() != null && internal.clusterManager().isActive()
        ? Status.OK()
        : Status.KO(new JsonObject().put("error", "not a member of the cluster"))));
    }
    return checks;
  }

  /**
   * Listens with {@code options} (port 0 picks a free one) and logs the bound port. A request the server cannot read
   * (over a limit, malformed) is answered problem+json too ({@link InvalidRequests}). A port that is taken fails
   * with one sentence naming the service, the address and the setting to change.
   */
  public static Future<HttpServer> listen(Vertx vertx, HttpServerOptions options, Router router, String service, Setting port) {
    return vertx.createHttpServer(options.setCompressionSupported(false))
      .requestHandler(router)
      .invalidRequestHandler(InvalidRequests::handle)
      .listen()
      .recover(failure -> Future.failedFuture(failure instanceof BindException
        ? new IllegalStateException("The " + service + " cannot listen on " + options.getHost() + ":" + options.getPort()
          + ": the port is in use; set " + port.env() + " to another port", failure)
        : failure))
      .onSuccess(server -> LOG.info("{} listening on http://{}:{}", service, options.getHost(), server.actualPort()));
  }

  /** Listens on {@code host:port} with {@link #serverOptions}. */
  public static Future<HttpServer> listen(Vertx vertx, Router router, String service, String host, int port, Setting portSetting) {
    return listen(vertx, serverOptions(host, port), router, service, portSetting);
  }

  /** Stops accepting connections and lets in-flight requests finish (bounded by {@link #SHUTDOWN_GRACE_SECONDS}). */
  public static Future<Void> shutdown(HttpServer server) {
    return server == null ? Future.succeededFuture() : server.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
  }
}
