package io.microservicestack.gateway;

import io.microservicestack.common.CommonSettings;
import io.microservicestack.common.Setting;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * How often a caller may call the gateway, and how it protects its upstreams: the rate-limit and circuit-breaker
 * settings of {@link GatewayConfig}.
 *
 * @param redisUri           the Redis that keeps the counters every gateway shares
 * @param write              budget of the writes (POST) per caller
 * @param read               budget of the reads (GET of users and messages) per caller
 * @param connect            budget of websocket connects per caller
 * @param breakerMaxFailures failures in a row after which an upstream's breaker opens
 * @param breakerResetMs     how long an open breaker answers 503 at once before it lets a probe through
 */
public record EdgeLimits(String redisUri, RateBudget write, RateBudget read, RateBudget connect,
                         int breakerMaxFailures, long breakerResetMs) {

  public static final Setting RATE_LIMIT_WRITE = Setting.of("rateLimitWrite", "RATE_LIMIT_WRITE", "off",
    "writes (POST /user, /users, /messages) per caller (subject, or client IP when anonymous): <count>/<period> like 120/1m, or off");
  public static final Setting RATE_LIMIT_READ = Setting.of("rateLimitRead", "RATE_LIMIT_READ", "off",
    "reads (GET /users..., /messages) per caller: <count>/<period> like 20/1s, or off");
  public static final Setting RATE_LIMIT_CONNECT = Setting.of("rateLimitConnect", "RATE_LIMIT_CONNECT", "off",
    "websocket connects (/ws/users) per caller: <count>/<period>, or off");
  public static final Setting BREAKER_MAX_FAILURES = Setting.of("breakerMaxFailures", "BREAKER_MAX_FAILURES", 5,
    "failed calls in a row to an upstream (user, slack) after which the gateway answers 503 at once");
  public static final Setting BREAKER_RESET_MS = Setting.of("breakerResetMs", "BREAKER_RESET_MS", 10_000,
    "how long an open circuit answers 503 before one probe request may try the upstream again (ms)");

  /** Every setting of the limits, in the order of the docs. */
  public static final List<Setting> SETTINGS = List.of(CommonSettings.REDIS_URI, RATE_LIMIT_WRITE, RATE_LIMIT_READ, RATE_LIMIT_CONNECT,
    BREAKER_MAX_FAILURES, BREAKER_RESET_MS);

  public EdgeLimits {
    BREAKER_MAX_FAILURES.requireRange(breakerMaxFailures, 1, Integer.MAX_VALUE);
    BREAKER_RESET_MS.requireRange(breakerResetMs, 1, Long.MAX_VALUE);
  }

  /** Reads the limit settings of the gateway's config object. */
  public static EdgeLimits fromJson(JsonObject json) {
    return new EdgeLimits(CommonSettings.REDIS_URI.string(json),
      RateBudget.parse(RATE_LIMIT_WRITE, RATE_LIMIT_WRITE.string(json)),
      RateBudget.parse(RATE_LIMIT_READ, RATE_LIMIT_READ.string(json)),
      RateBudget.parse(RATE_LIMIT_CONNECT, RATE_LIMIT_CONNECT.string(json)),
      BREAKER_MAX_FAILURES.intValue(json), BREAKER_RESET_MS.longValue(json));
  }

  /** Whether any budget is on. */
  public boolean anyLimit() {
    return write.enabled() || read.enabled() || connect.enabled();
  }

  /** Adds the limit settings to {@code json}. */
  JsonObject addTo(JsonObject json) {
    return json.put(CommonSettings.REDIS_URI.key(), redisUri)
      .put(RATE_LIMIT_WRITE.key(), text(write))
      .put(RATE_LIMIT_READ.key(), text(read))
      .put(RATE_LIMIT_CONNECT.key(), text(connect))
      .put(BREAKER_MAX_FAILURES.key(), breakerMaxFailures)
      .put(BREAKER_RESET_MS.key(), breakerResetMs);
  }

  private static String text(RateBudget budget) {
    return budget.enabled() ? budget.count() + "/" + budget.periodMs() + "ms" : "off";
  }
}
