package io.microservicestack.gateway;

import io.microservicestack.common.Problem;
import io.microservicestack.common.ProblemException;
import io.microservicestack.common.ProblemHandler;
import io.microservicestack.common.Subject;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;

/**
 * The gateway's door: who may call a route ({@link AuthConfig}) and how often ({@link RateLimiter}).
 *
 * <p>Every request first loses any {@value Subject#HTTP_HEADER} header it brought. A protected route then needs a
 * bearer token (with {@code AUTH_MODE=jwt}) that {@link TokenVerifier} accepts and that grants the route's scope:
 * without one it is answered 401 ({@code WWW-Authenticate: Bearer realm="gateway", error="invalid_token"}, whether the
 * token is missing or not valid: one rule for clients, as the issue asks, although RFC 6750 §3.1 says a request
 * without credentials SHOULD NOT get an error code), with a token that lacks the scope 403
 * ({@code error="insufficient_scope"}); both are problem+json and say no more than that. The verified subject travels
 * on as {@value Subject#HTTP_HEADER} (proxied routes), in the routing context (RPC routes put it on the event-bus
 * message) and in the MDC while the route's handlers run. With {@code AUTH_MODE=off} the routes are open and the
 * caller is its client IP.
 *
 * <p>The websocket feed takes its token from the {@code Authorization} header, a {@code Sec-WebSocket-Protocol}
 * offer {@code bearer.<token>} (next to {@value #WS_PROTOCOL}, the protocol the gateway selects), or the
 * {@code access_token} query parameter; an upgrade whose {@code Origin} is neither the gateway's own nor one of
 * {@code ALLOWED_ORIGINS} is answered 403 (no {@code Origin}: not a browser, allowed).
 *
 * <p>Every refusal is counted ({@link EdgeMetrics}); a 503 because the keys cannot be fetched is not one.
 */
final class EdgeGuard {

  /** The websocket subprotocol the gateway selects when a client offers it (with its token as a second offer). */
  static final String WS_PROTOCOL = "users-feed";
  /** The prefix of a token offered as a websocket subprotocol. */
  static final String WS_BEARER_PREFIX = "bearer.";
  static final String REALM = "gateway";
  /** The routing-context key of the verified {@link Identity}. */
  static final String IDENTITY = "identity";

  private static final Logger LOG = LoggerFactory.getLogger(EdgeGuard.class);

  private final AuthConfig config;
  private final TokenVerifier verifier;
  private final RateLimiter limiter;
  private final EdgeMetrics metrics;

  EdgeGuard(AuthConfig config, TokenVerifier verifier, RateLimiter limiter, EdgeMetrics metrics) {
    this.config = config;
    this.verifier = verifier;
    this.limiter = limiter;
    this.metrics = metrics;
  }

  /** Removes a client's own subject header from every request, before any route runs. */
  void install(Router router) {
    router.route().order(-1).handler(ctx -> {
      ctx.request().headers().remove(Subject.HTTP_HEADER);
      ctx.next();
    });
  }

  /** A route that needs {@code scope} and spends from {@code budget}. */
  Handler<RoutingContext> require(String scope, RateLimiter.Kind budget) {
    return ctx -> admit(ctx, scope, budget, bearer(ctx.request()));
  }

  /** The websocket feed's guard: the origin, then a token from the header, a subprotocol offer or the query. */
  Handler<RoutingContext> websocket(String scope) {
    return ctx -> {
      if (!originAllowed(ctx.request())) {
        metrics.refused(EdgeMetrics.Entry.HTTP, EdgeMetrics.Refusal.ORIGIN);
        ProblemHandler.send(ctx.response(), Problem.of(403, "Forbidden", "Websocket connections from this origin are not allowed"));
        return;
      }
      admit(ctx, scope, RateLimiter.Kind.CONNECT, websocketToken(ctx));
    };
  }

  private void admit(RoutingContext ctx, String scope, RateLimiter.Kind budget, String token) {
    // Fetching keys or asking Redis takes a while: keep the body in the socket until the proxy pipes it on (unless
    // the route's body handler has read it already).
    if (!ctx.request().isEnded()) {
      ctx.request().pause();
    }
    Future<Identity> caller;
    if (!config.enabled()) {
      caller = Future.succeededFuture(null);
    } else if (token == null) {
      unauthorized(ctx, false);
      return;
    } else {
      caller = verifier.verify(token);
    }
    caller
      .onFailure(failure -> {
        if (failure instanceof ProblemException pe) {
          ProblemHandler.send(ctx.response(), pe.problem());
        } else {
          LOG.debug("{} {}: token refused: {}", ctx.request().method(), ctx.request().path(), failure.getMessage());
          unauthorized(ctx, true);
        }
      })
      .onSuccess(identity -> {
        if (identity != null && !identity.has(scope)) {
          forbidden(ctx, scope);
          return;
        }
        String key = identity != null ? "sub:" + identity.subject() : "ip:" + clientIp(ctx.request());
        limiter.take(budget, key).onComplete(ar -> {
          if (ar.succeeded() && !ar.result().allowed()) {
            metrics.rateLimited(budget);
            ar.result().writeHeaders(ctx.response());
            ProblemHandler.send(ctx.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(ar.result().retryAfterSeconds())),
              Problem.of(429, "Too Many Requests", "The " + budget.label() + " budget of this caller is spent; retry later"));
            return;
          }
          if (ar.succeeded()) {
            ar.result().writeHeaders(ctx.response());
          }
          proceed(ctx, identity);
        });
      });
  }

  private static void proceed(RoutingContext ctx, Identity identity) {
    if (identity == null) {
      ctx.next();
      return;
    }
    ctx.put(IDENTITY, identity);
    ctx.request().headers().set(Subject.HTTP_HEADER, identity.subject());
    MDC.put(Subject.MDC_KEY, identity.subject());
    try {
      ctx.next();
    } finally {
      MDC.remove(Subject.MDC_KEY);
    }
  }

  /** The subject verified for this request, or null (auth off, or a public route). */
  static String subject(RoutingContext ctx) {
    Identity identity = ctx.get(IDENTITY);
    return identity == null ? null : identity.subject();
  }

  /** No token, or one that is not valid: the same answer (a client renews its token either way); the meter tells them apart. */
  private void unauthorized(RoutingContext ctx, boolean tokenSent) {
    metrics.refused(EdgeMetrics.Entry.HTTP, tokenSent ? EdgeMetrics.Refusal.INVALID_TOKEN : EdgeMetrics.Refusal.MISSING_TOKEN);
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"" + REALM + "\", error=\"invalid_token\"");
    ProblemHandler.send(ctx.response(), Problem.of(401, "Unauthorized", "A valid bearer token is required"));
  }

  private void forbidden(RoutingContext ctx, String scope) {
    metrics.refused(EdgeMetrics.Entry.HTTP, EdgeMetrics.Refusal.INSUFFICIENT_SCOPE);
    ctx.response().putHeader("WWW-Authenticate",
      "Bearer realm=\"" + REALM + "\", error=\"insufficient_scope\", scope=\"" + scope + "\"");
    ProblemHandler.send(ctx.response(), Problem.of(403, "Forbidden", "The token does not grant the scope " + scope));
  }

  private static String bearer(HttpServerRequest request) {
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = authorization.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  private static String websocketToken(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String token = bearer(request);
    if (token != null) {
      return token;
    }
    String offers = request.getHeader("Sec-WebSocket-Protocol");
    if (offers != null) {
      token = Arrays.stream(offers.split(",")).map(String::trim)
        .filter(offer -> offer.regionMatches(true, 0, WS_BEARER_PREFIX, 0, WS_BEARER_PREFIX.length()))
        .map(offer -> offer.substring(WS_BEARER_PREFIX.length()))
        .findFirst().orElse(null);
      if (token != null && !token.isEmpty()) {
        return token;
      }
    }
    // vertx-web's queryParams: a query that is not valid percent-encoding is a 400, not the core's exception (a 500)
    String query = ctx.queryParams().get("access_token");
    return query == null || query.isBlank() ? null : query;
  }

  /** No Origin (not a browser), the gateway's own origin, or one of ALLOWED_ORIGINS. */
  private boolean originAllowed(HttpServerRequest request) {
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin == null || config.allowedOrigins().contains("*")) {
      return true;
    }
    String normalized = origin.trim().toLowerCase(Locale.ROOT);
    if (config.allowedOrigins().stream().anyMatch(allowed -> allowed.toLowerCase(Locale.ROOT).equals(normalized))) {
      return true;
    }
    try {
      URI uri = URI.create(normalized);
      HostAndPort own = request.authority();
      if (own == null || uri.getHost() == null) {
        return false;
      }
      int originPort = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) || "wss".equals(uri.getScheme()) ? 443 : 80;
      int ownPort = own.port() > 0 ? own.port() : request.isSSL() ? 443 : 80;
      return uri.getHost().equals(own.host().toLowerCase(Locale.ROOT)) && originPort == ownPort;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String clientIp(HttpServerRequest request) {
    return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
  }
}
