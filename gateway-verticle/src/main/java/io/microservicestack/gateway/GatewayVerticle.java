package io.microservicestack.gateway;

import io.microservicestack.common.ServiceHttp;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The API gateway: one HTTP entry point in front of the user and slack services.
 *
 * <ul>
 *   <li>{@code POST /user}, {@code POST /users}, {@code GET /messages}, {@code POST /messages}: proxied over HTTP
 *   ({@link ProxyRoutes});</li>
 *   <li>{@code GET /users/{id}}, {@code GET /users?after=&limit=}: event-bus RPC ({@link RpcRoutes});</li>
 *   <li>{@code GET /health}: every dependency pinged in parallel ({@link HealthRoute});</li>
 *   <li>{@code GET /ws/users}: websocket feed of created users ({@link UserFeed});</li>
 *   <li>{@code GET /ping}, {@code /health/live}, {@code /health/ready}; {@code GET /}: the page of {@code webRoot}.</li>
 * </ul>
 * With {@code BRIDGE_PORT} set it also runs the TCP event-bus bridge for clients in other languages
 * ({@link EventBusBridge}).
 * Who may call which route, and how often, is the {@link EdgeGuard}'s business. Every error is
 * {@code application/problem+json}. Configured by {@link GatewayConfig}; deploy several instances
 * to use several event loops (each has its own clients, feed consumer and share of the connections).
 */
public class GatewayVerticle extends VerticleBase {

  /** The {@code role} label of the gateway's meters. */
  static final String ROLE = "gateway";
  /** The largest websocket frame or message a client may send; the feed expects none but control frames. */
  public static final int MAX_WEBSOCKET_MESSAGE_BYTES = 1_024;
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  /** The open-API warning is said once per JVM, however many instances deploy. */
  private static final AtomicBoolean WARNED_OPEN = new AtomicBoolean();

  private ProxyRoutes proxies;
  private HealthRoute health;
  private UserFeed feed;
  private TokenVerifier verifier;
  private RateLimiter limiter;
  private HttpServer server;
  private Router router;
  private EventBusBridge bridge;

  @Override
  public Future<?> start() {
    GatewayConfig config = GatewayConfig.fromJson(config());
    UserRpcClient users = new UserRpcClient(vertx, config);
    limiter = new RateLimiter(vertx, config.limits());
    health = new HealthRoute(vertx, config, limiter);
    feed = new UserFeed(vertx, config, users);
    EdgeMetrics edgeMetrics = new EdgeMetrics();
    warnIfOpen(config);
    Future<TokenVerifier> verifying = config.auth().enabled()
      ? TokenVerifier.create(vertx, config.auth())
      : Future.succeededFuture();
    Future<Contract> contract = Contract.load(vertx);
    return Future.all(verifying, contract)
      .compose(loaded -> {
        TokenVerifier tokens = verifying.result();
        verifier = tokens;
        proxies = new ProxyRoutes(vertx, config, contract.result());
        health.showCircuits(proxies::circuits);
        EdgeGuard guard = new EdgeGuard(config.auth(), tokens, limiter, edgeMetrics);
        GatewayRoutes routes = new GatewayRoutes(config, guard, proxies, new RpcRoutes(users), health, feed);
        router = routes.router(vertx);
        return feed.start()
          .compose(v -> ServiceHttp.listen(vertx, serverOptions(config), router, "gateway", GatewayConfig.HTTP_PORT));
      })
      .onSuccess(listening -> server = listening)
      .compose(v -> config.bridgePort() == GatewayConfig.BRIDGE_OFF
        ? Future.succeededFuture()
        : EventBusBridge.start(vertx, config.bindHost(), config.bridgePort(), config.bridgeMaxFrameBytes(),
          verifier == null ? new BridgeGuard() : new BridgeGuard.Jwt(verifier, edgeMetrics)).onSuccess(b -> bridge = b));
  }

  private static void warnIfOpen(GatewayConfig config) {
    if (!config.auth().enabled() && WARNED_OPEN.compareAndSet(false, true)) {
      LOG.warn("AUTH_MODE=off: the gateway's API is open to anyone who can reach it; it listens on {}{}",
        config.bindHost(), config.httpHost() == null
          ? " only (set HTTP_HOST to listen elsewhere, and AUTH_MODE=jwt before exposing it)"
          : " because HTTP_HOST says so");
    }
  }

  /** Closes the websockets, lets in-flight requests finish, then closes the upstream clients. */
  @Override
  public Future<?> stop() {
    Future<Void> feedStopped = feed == null ? Future.succeededFuture() : feed.stop();
    return feedStopped
      .eventually(() -> bridge == null ? Future.succeededFuture() : bridge.close())
      .eventually(() -> ServiceHttp.shutdown(server))
      .eventually(() -> proxies == null ? Future.succeededFuture() : proxies.close())
      .eventually(() -> limiter == null ? Future.succeededFuture() : limiter.close())
      .onComplete(ar -> {
        if (health != null) {
          health.close();
        }
        if (verifier != null) {
          verifier.close();
        }
      });
  }

  /** The port the gateway listens on (the bound one when configured with 0), or -1 before it started. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  /** The routes this instance serves (for the contract test). */
  Router router() {
    return router;
  }

  /** The port of this instance's event-bus bridge, or -1 when it runs none. */
  public int bridgePort() {
    return bridge == null ? -1 : bridge.port();
  }

  /** This instance's websocket feed. */
  public UserFeed feed() {
    return feed;
  }

  private static HttpServerOptions serverOptions(GatewayConfig config) {
    return ServiceHttp.serverOptions(config.bindHost(), config.httpPort())
      .setWebSocketSubProtocols(List.of(EdgeGuard.WS_PROTOCOL))
      // The edge starts a trace for every request (when tracing is on), continuing a client's traceparent if sent.
      .setTracingPolicy(TracingPolicy.ALWAYS)
      // The feed reads nothing from a client but control frames: a data frame or message over 1 KiB closes it (1009).
      .setMaxWebSocketFrameSize(MAX_WEBSOCKET_MESSAGE_BYTES)
      .setMaxWebSocketMessageSize(MAX_WEBSOCKET_MESSAGE_BYTES)
      // Deflate would keep a compression context per websocket and compress every frame once per client.
      .setPerMessageWebSocketCompressionSupported(false)
      .setPerFrameWebSocketCompressionSupported(false)
      // A connection that sends nothing, not even a pong to our pings, for this long is dead or stuck: close it.
      .setReadIdleTimeout((int) Math.min(Integer.MAX_VALUE, config.readIdleTimeoutMs()))
      .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
  }
}
