package io.microservicestack.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.proxy.handler.ProxyHandler;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.OriginRequestProvider;
import io.vertx.httpproxy.ProxyInterceptor;

/**
 * The routes the gateway streams to the user and slack services with vertx-http-proxy.
 *
 * <table>
 *   <caption>proxied routes</caption>
 *   <tr><th>gateway</th><th>upstream</th></tr>
 *   <tr><td>POST /user, POST /users</td><td>user service, same path</td></tr>
 *   <tr><td>GET /messages?...</td><td>slack service GET /messages?... (query kept)</td></tr>
 *   <tr><td>POST /messages</td><td>slack service POST / (URI rewritten)</td></tr>
 * </table>
 *
 * Status, headers and body pass through unchanged and are streamed (no body handler runs before these
 * routes). Each upstream has its own keep-alive client with a pool of {@link #POOL_SIZE} connections; every
 * request gets the proxy timeout as its connect and idle timeout. Failures are answered by {@link ProxyProblems}.
 */
final class ProxyRoutes {

  /** Connections per upstream and verticle instance: a proxy hop needs many in flight to keep up. */
  static final int POOL_SIZE = 128;

  private final GatewayConfig config;
  private final HttpClient userClient;
  private final HttpClient slackClient;

  ProxyRoutes(Vertx vertx, GatewayConfig config) {
    this.config = config;
    this.userClient = client(vertx, "gateway-user", config.proxyTimeoutMs());
    this.slackClient = client(vertx, "gateway-slack", config.proxyTimeoutMs());
  }

  /** Adds the proxied routes to {@code router}. */
  void mount(Router router) {
    HttpProxy user = proxy(userClient, "user", config.userHost(), config.userPort());
    router.post("/user").handler(ProxyHandler.create(user));
    router.post("/users").handler(ProxyHandler.create(user));

    HttpProxy slackMessages = proxy(slackClient, "slack", config.slackHost(), config.slackPort());
    router.get("/messages").handler(ProxyHandler.create(slackMessages));

    HttpProxy slackPost = proxy(slackClient, "slack", config.slackHost(), config.slackPort())
      .addInterceptor(ProxyInterceptor.builder().transformingPath(path -> "/").build());
    router.post("/messages").handler(ProxyHandler.create(slackPost));
  }

  Future<Void> close() {
    return Future.all(userClient.close(), slackClient.close()).mapEmpty();
  }

  private HttpProxy proxy(HttpClient client, String service, String host, int port) {
    long timeoutMs = config.proxyTimeoutMs();
    OriginRequestProvider origin = context -> context.client().request(new RequestOptions()
      .setHost(host)
      .setPort(port)
      .setConnectTimeout(timeoutMs)
      .setIdleTimeout(timeoutMs));
    return HttpProxy.reverseProxy(client)
      .origin(origin)
      .addInterceptor(new ProxyProblems(service, host, port, timeoutMs));
  }

  private static HttpClient client(Vertx vertx, String name, long timeoutMs) {
    HttpClientOptions options = new HttpClientOptions()
      .setName(name)
      .setKeepAlive(true)
      .setKeepAliveTimeout(60)
      .setTcpNoDelay(true)
      .setDecompressionSupported(false)
      .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs));
    return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(POOL_SIZE));
  }
}
