package io.microservicestack.gateway;

import io.microservicestack.common.HttpServers;
import io.microservicestack.common.ProblemHandler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The API gateway: one HTTP entry point in front of the user and slack services.
 *
 * <ul>
 *   <li>{@code POST /user}, {@code POST /users}, {@code GET /messages}, {@code POST /messages}: proxied over HTTP
 *   ({@link ProxyRoutes});</li>
 *   <li>{@code GET /users/{id}}, {@code GET /users?after=&limit=}: event-bus RPC ({@link RpcRoutes});</li>
 *   <li>{@code GET /health}: every dependency pinged in parallel ({@link HealthRoute});</li>
 *   <li>{@code GET /ws/users[?since=<id>]}: websocket feed of created users ({@link UserFeed});</li>
 *   <li>{@code GET /ping}: {@code {"response":"pong"}}; {@code GET /}: the static page of {@code webRoot}.</li>
 * </ul>
 * Every error is {@code application/problem+json}. Configured by {@link GatewayConfig}; deploy several instances
 * to use several event loops (each has its own clients, feed consumer and share of the connections).
 */
public class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  private static final String PONG = new JsonObject().put("response", "pong").encode();

  private GatewayConfig settings;
  private ProxyRoutes proxies;
  private HealthRoute health;
  private UserFeed feed;
  private HttpServer server;

  @Override
  public Future<?> start() {
    settings = GatewayConfig.from(config());
    proxies = new ProxyRoutes(vertx, settings);
    health = new HealthRoute(vertx, settings);
    feed = new UserFeed(vertx, settings);
    Router router = router();
    return feed.start()
      .compose(v -> vertx.createHttpServer(serverOptions()).requestHandler(router).listen())
      .onSuccess(listening -> {
        server = listening;
        LOG.info("gateway listening on http://{}:{} (user {}:{}, slack {}:{})", settings.httpHost(), listening.actualPort(),
          settings.userHost(), settings.userPort(), settings.slackHost(), settings.slackPort());
      });
  }

  /** Closes the websockets, lets in-flight requests finish, then closes the upstream clients. */
  @Override
  public Future<?> stop() {
    Future<Void> feedStopped = feed == null ? Future.succeededFuture() : feed.stop();
    return feedStopped
      .eventually(() -> HttpServers.shutdown(server))
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

  /** This instance's websocket feed. */
  public UserFeed feed() {
    return feed;
  }

  private Router router() {
    Router router = Router.router(vertx);
    router.get("/ping").handler(GatewayVerticle::ping);
    router.get("/health").handler(health);
    router.get("/ws/users").handler(feed::upgrade);
    proxies.mount(router);
    new RpcRoutes(vertx, settings).mount(router);
    router.get("/*").handler(new PageHeaders()).handler(staticHandler(settings.webRoot()));
    return ProblemHandler.installOn(router);
  }

  private HttpServerOptions serverOptions() {
    return new HttpServerOptions()
      .setHost(settings.httpHost())
      .setPort(settings.httpPort())
      .setCompressionSupported(false)
      // Deflate would keep a compression context per websocket and compress every frame once per client.
      .setPerMessageWebSocketCompressionSupported(false)
      .setPerFrameWebSocketCompressionSupported(false)
      // A connection that sends nothing, not even a pong to our pings, for this long is dead or stuck: close it.
      .setReadIdleTimeout((int) Math.min(Integer.MAX_VALUE, settings.readIdleTimeoutMs()))
      .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  private static StaticHandler staticHandler(String webRoot) {
    boolean absolute = Path.of(webRoot).isAbsolute();
    return StaticHandler.create(absolute ? FileSystemAccess.ROOT : FileSystemAccess.RELATIVE, webRoot);
  }

  private static void ping(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(PONG);
  }
}
