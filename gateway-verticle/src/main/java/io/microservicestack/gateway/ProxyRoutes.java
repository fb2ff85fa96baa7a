package io.microservicestack.gateway;

import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.proxy.handler.ProxyHandler;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyResponse;

import java.util.HashMap;
import java.util.Map;
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
 * Status, headers and body pass through unchanged; answers are streamed. A write's body (at most
 * {@value #MAX_BODY_BYTES} bytes, else 413) is read whole and validated against the contract ({@link Contract}) before
 * it is forwarded: a bad one is a 400 problem with {@code errors} by field and never reaches the service. Each upstream has its own keep-alive client with a pool of {@link #POOL_SIZE} connections; every
 * request gets the proxy timeout as its connect and idle timeout. Failures are answered by {@link ProxyProblems}.
 */
final class ProxyRoutes {

  /** Connections per upstream and verticle instance: a proxy hop needs many in flight to keep up. */
  static final int POOL_SIZE = 128;

  /** The most a proxied write may carry: it is read whole to be validated against the contract. */
  static final int MAX_BODY_BYTES = 16 * 1024;

  private final GatewayConfig config;
  private final Contract contract;
  private final HttpClient userClient;
  private final HttpClient slackClient;
  /** Validated bodies waiting for their proxy request (this verticle's event loop only). */
  private final Map<HttpServerRequest, Buffer> bodies = new HashMap<>();
  private final CircuitBreaker userBreaker;
  private final CircuitBreaker slackBreaker;

  ProxyRoutes(Vertx vertx, GatewayConfig config, Contract contract) {
    this.config = config;
    this.contract = contract;
    this.userClient = client(vertx, "gateway-user", config.proxyTimeoutMs());
    this.slackClient = client(vertx, "gateway-slack", config.proxyTimeoutMs());
    this.userBreaker = breaker(vertx, "user", config.limits());
    this.slackBreaker = breaker(vertx, "slack", config.limits());
  }

  /** The state of each upstream's circuit, for {@code /health}: CLOSED, OPEN or HALF_OPEN. */
  JsonObject circuits() {
    return new JsonObject().put("user", userBreaker.state().name()).put("slack", slackBreaker.state().name());
  }

  private static CircuitBreaker breaker(Vertx vertx, String name, EdgeLimits limits) {
    return CircuitBreaker.create("gateway-" + name, vertx, new CircuitBreakerOptions()
      .setMaxFailures(limits.breakerMaxFailures())
      .setResetTimeout(limits.breakerResetMs())
      // The proxy's own connect and idle timeouts bound each exchange.
      .setTimeout(-1)
      .setNotificationAddress(null));
  }

  /** Adds the proxied routes to {@code router}. */
  void mount(Router router, EdgeGuard guard) {
    HttpProxy user = proxy(userClient, "user", config.userHost(), config.userPort(), userBreaker);
    // vertx-web runs a route's body handler before its own handlers: the body (at most 16 KiB) is read, then the
    // caller is checked, then the body is validated and proxied.
    router.post("/user").handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES))
      .handler(guard.require(Scopes.USERS_WRITE, RateLimiter.Kind.WRITE)).handler(validated(user, "createUserLegacy"));
    router.post("/users").handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES))
      .handler(guard.require(Scopes.USERS_WRITE, RateLimiter.Kind.WRITE)).handler(validated(user, "createUser"));

    HttpProxy slackMessages = proxy(slackClient, "slack", config.slackHost(), config.slackPort(), slackBreaker);
    router.get("/messages").handler(guard.require(Scopes.USERS_READ, RateLimiter.Kind.READ)).handler(ProxyHandler.create(slackMessages));

    HttpProxy slackPost = proxy(slackClient, "slack", config.slackHost(), config.slackPort(), slackBreaker)
      .addInterceptor(ProxyInterceptor.builder().transformingPath(path -> "/").build());
    router.post("/messages").handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES))
      .handler(guard.require(Scopes.MESSAGES_WRITE, RateLimiter.Kind.WRITE)).handler(validated(slackPost, "postMessage"));
  }

  /**
   * Validates the body (read whole by the body handler) against {@code operationId} and proxies the request with
   * that buffer: vertx-web-proxy's {@code ProxyHandler} refuses a request whose body was read (500), so the proxy is
   * called directly with a {@link ReadRequest} and {@link #replayBody} hands it the buffer.
   */
  private Handler<RoutingContext> validated(HttpProxy proxy, String operationId) {
    return ctx -> contract.validateBody(ctx, operationId)
      .onFailure(ctx::fail)
      .onSuccess(body -> {
        ReadRequest request = new ReadRequest(ctx.request());
        bodies.put(request, body);
        ctx.addEndHandler(v -> bodies.remove(request));
        proxy.handle(request);
      });
  }

  private Future<ProxyResponse> replayBody(ProxyContext context) {
    Buffer body = bodies.remove(context.request().proxiedRequest());
    if (body != null) {
      context.request().setBody(Body.body(body));
    }
    return context.sendRequest();
  }

  Future<Void> close() {
    userBreaker.close();
    slackBreaker.close();
    return Future.all(userClient.close(), slackClient.close()).mapEmpty();
  }

  private HttpProxy proxy(HttpClient client, String service, String host, int port, CircuitBreaker breaker) {
    long timeoutMs = config.proxyTimeoutMs();
    OriginRequestProvider origin = context -> context.client().request(new RequestOptions()
      .setHost(host)
      .setPort(port)
      .setConnectTimeout(timeoutMs)
      .setIdleTimeout(timeoutMs));
    return HttpProxy.reverseProxy(client)
      .origin(origin)
      .addInterceptor(new ProxyProblems(service, host, port, timeoutMs, breaker, config.limits().breakerResetMs()))
      .addInterceptor(new ProxyInterceptor() {
        @Override
        public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
          return replayBody(context);
        }
      });
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
