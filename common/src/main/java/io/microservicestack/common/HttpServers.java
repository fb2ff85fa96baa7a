package io.microservicestack.common;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/** Starts and stops the HTTP server of a service the same way everywhere. */
public final class HttpServers {

  private static final Logger LOG = LoggerFactory.getLogger(HttpServers.class);
  /** How long a stopping server lets in-flight requests finish. */
  public static final long SHUTDOWN_GRACE_SECONDS = 10;

  private HttpServers() {
  }

  /** Listens on {@code host:port} (port 0 picks a free one) and logs the bound port. */
  public static Future<HttpServer> listen(Vertx vertx, Router router, String service, String host, int port) {
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setCompressionSupported(false))
      .requestHandler(router)
      .listen()
      .onSuccess(server -> LOG.info("{} listening on http://{}:{}", service, host, server.actualPort()));
  }

  /** Stops accepting connections and lets in-flight requests finish (bounded by {@link #SHUTDOWN_GRACE_SECONDS}). */
  public static Future<Void> shutdown(HttpServer server) {
    return server == null ? Future.succeededFuture() : server.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
  }
}
