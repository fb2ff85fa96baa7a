package io.microservicestack.gateway;

import io.vertx.core.http.HttpServerResponse;

/**
 * The limiter's answer for one request.
 *
 * @param allowed           whether the request may go on
 * @param limit             the budget's count (0: the route is not limited)
 * @param remaining         requests left right now
 * @param resetSeconds      seconds until the budget is whole again
 * @param retryAfterSeconds for a refused request, seconds until one more is allowed
 */
record RateDecision(boolean allowed, long limit, long remaining, long resetSeconds, long retryAfterSeconds) {

  /** The answer for a route without a budget. */
  static final RateDecision UNLIMITED = new RateDecision(true, 0, 0, 0, 0);

  static RateDecision of(boolean allowed, long limit, long remaining, long resetMs, long retryAfterMs) {
    return new RateDecision(allowed, limit, Math.max(0, Math.min(limit, remaining)), ceilSeconds(resetMs),
      allowed ? 0 : Math.max(1, ceilSeconds(retryAfterMs)));
  }

  /** {@code RateLimit-Limit}, {@code RateLimit-Remaining}, {@code RateLimit-Reset} on a limited route's answer. */
  void writeHeaders(HttpServerResponse response) {
    if (limit > 0 && !response.headWritten()) {
      response.putHeader("RateLimit-Limit", String.valueOf(limit))
        .putHeader("RateLimit-Remaining", String.valueOf(remaining))
        .putHeader("RateLimit-Reset", String.valueOf(resetSeconds));
    }
  }

  private static long ceilSeconds(long ms) {
    return Math.max(0, (ms + 999) / 1000);
  }
}
