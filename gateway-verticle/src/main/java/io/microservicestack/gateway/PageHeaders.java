package io.microservicestack.gateway;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * The security headers of the console's static files, set before the static handler serves them (the API routes
 * do not get them):
 * <ul>
 *   <li>{@code Content-Security-Policy}: scripts, styles and connections only from the gateway itself (websockets
 *   included), no inline script or style, no framing, no {@code <base>}, forms post back here only;</li>
 *   <li>{@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy: no-referrer},
 *   {@code X-Frame-Options: DENY} (for browsers without {@code frame-ancestors});</li>
 *   <li>{@code Cache-Control: no-cache}: the browser revalidates (a cheap 304) so a new jar's page is seen at once,
 *   instead of the static handler's day-long {@code immutable} caching.</li>
 * </ul>
 */
public final class PageHeaders implements Handler<RoutingContext> {

  /** The policy: everything from this origin, nothing inline. */
  public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
    + "img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  @Override
  public void handle(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
      .set("X-Content-Type-Options", "nosniff")
      .set("Referrer-Policy", "no-referrer")
      .set("X-Frame-Options", "DENY");
    // The static handler writes its own caching headers later: override them just before the headers go out.
    ctx.addHeadersEndHandler(v -> ctx.response().headers().set("Cache-Control", "no-cache"));
    ctx.next();
  }
}
