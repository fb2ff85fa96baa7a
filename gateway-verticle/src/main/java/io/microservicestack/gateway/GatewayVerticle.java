package io.microservicestack.gateway;

import io.microservicestack.common.ServiceHttp;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.util.concurrent.TimeUnit;

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
 * Every error is {@code application/problem+json}. Configured by {@link GatewayConfig}; deploy several instances
 * to use several event loops (each has its own clients, feed consumer and share of the connections).
 */
public class GatewayVerticle extends VerticleBase {

  private ProxyRoutes proxies;
  private HealthRoute health;
  private UserFeed feed;
  private HttpServer server;
  private EventBusBridge bridge;

  @Override
  public Future<?> start() {
    GatewayConfig config = GatewayConfig.fromJson(config());
    UserRpcClient users = new UserRpcClient(vertx, config);
    proxies = new ProxyRoutes(vertx, config);
    health = new HealthRoute(vertx, config);
    feed = new UserFeed(vertx, config, users);
    GatewayRoutes routes = new GatewayRoutes(config, proxies, new RpcRoutes(users), health, feed);
    return feed.start()
      .compose(v -> ServiceHttp.listen(vertx, serverOptions(config), routes.router(vertx), "gateway", GatewayConfig.HTTP_PORT))
      .onSuccess(listening -> server = listening)
      .compose(v -> config.bridgePort() == GatewayConfig.BRIDGE_OFF
        ? Future.succeededFuture()
        : EventBusBridge.start(vertx, config.httpHost(), config.bridgePort(), new BridgeGuard()).onSuccess(b -> bridge = b));
  }

  /** Closes the websockets, lets in-flight requests finish, then closes the upstream clients. */
  @Override
  public Future<?> stop() {
    Future<Void> feedStopped = feed == null ? Future.succeededFuture() : feed.stop();
    return feedStopped
      .eventually(() -> bridge == null ? Future.succeededFuture() : bridge.close())
      .eventually(() -> ServiceHttp.shutdown(server))
      .eventually(() -> proxies == null ? Future.succeededFuture() : proxies.close())
      .onComplete(ar -> {
        if (health != null) {
          health.close();
        }
      });
  }

  /** The port the gateway listens on (the bound one when configured with 0), or -1 before it started. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
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
    return new HttpServerOptions()
      .setHost(config.httpHost())
      .setPort(config.httpPort())
      // Deflate would keep a compression context per websocket and compress every frame once per client.
      .setPerMessageWebSocketCompressionSupported(false)
      .setPerFrameWebSocketCompressionSupported(false)
      // A connection that sends nothing, not even a pong to our pings, for this long is dead or stuck: close it.
      .setReadIdleTimeout((int) Math.min(Integer.MAX_VALUE, config.readIdleTimeoutMs()))
      .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
  }
}
