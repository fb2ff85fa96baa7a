package io.microservicestack.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Rate budgets per caller, kept in Redis so that every gateway spends from the same budget: one GCRA step per
 * request, one atomic Lua script ({@code gcra.lua}, run with {@code EVALSHA}) on Redis's clock.
 *
 * <p>When Redis does not answer within {@value #REDIS_TIMEOUT_MS} ms the limiter falls back to the same algorithm
 * in this process (each gateway then has its own budget), says so once in the log and as {@code DEGRADED} in
 * {@code /health}, and tries Redis again after {@value #RETRY_REDIS_MS} ms. The limiter never fails a request.
 */
final class RateLimiter {

  /** The budgets a route spends from. */
  enum Kind {
    WRITE("write"), READ("read"), CONNECT("connect");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  static final long REDIS_TIMEOUT_MS = 250;
  static final long RETRY_REDIS_MS = 2_000;
  static final String KEY_PREFIX = "gateway:rate:";
  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
  private static final String SCRIPT = script();
  private static final String SHA = sha1(SCRIPT);
  private static final int LOCAL_PRUNE_SIZE = 10_000;

  private final Vertx vertx;
  private final EdgeLimits limits;
  private final Redis redis;
  /** Local fallback: theoretical arrival time (ms) per key; only touched on this verticle's event loop. */
  private final Map<String, Double> local = new HashMap<>();
  private long redisRetryAt;
  private boolean degraded;

  RateLimiter(Vertx vertx, EdgeLimits limits) {
    this.vertx = vertx;
    this.limits = limits;
    this.redis = limits.anyLimit() && limits.redisUri() != null
      ? Redis.createClient(vertx, new RedisOptions()
          .setConnectionString(limits.redisUri())
          .setMaxPoolSize(8)
          .setMaxPoolWaiting(1_024)
          .setNetClientOptions(new NetClientOptions().setConnectTimeout((int) REDIS_TIMEOUT_MS).setTcpNoDelay(true)))
      : null;
  }

  /** Spends one request of {@code kind} for {@code caller}; never fails. */
  Future<RateDecision> take(Kind kind, String caller) {
    RateBudget budget = budget(kind);
    if (!budget.enabled()) {
      return Future.succeededFuture(RateDecision.UNLIMITED);
    }
    String key = KEY_PREFIX + kind.label() + ":" + caller;
    if (redis == null || System.currentTimeMillis() < redisRetryAt) {
      return Future.succeededFuture(takeLocally(budget, key));
    }
    return viaRedis(budget, key)
      .onSuccess(decision -> recovered())
      .recover(failure -> {
        degrade(failure);
        return Future.succeededFuture(takeLocally(budget, key));
      });
  }

  /** The limiter's line in {@code /health}: never DOWN, DEGRADED while Redis is away. */
  JsonObject health() {
    if (!limits.anyLimit()) {
      return new JsonObject().put("status", "OFF");
    }
    if (redis == null) {
      return new JsonObject().put("status", "UP").put("store", "in-process");
    }
    return degraded
      ? new JsonObject().put("status", "DEGRADED").put("store", "in-process").put("error", "Redis does not answer: budgets are per gateway")
      : new JsonObject().put("status", "UP").put("store", "redis");
  }

  Future<Void> close() {
    return redis == null ? Future.succeededFuture() : redis.close();
  }

  private RateBudget budget(Kind kind) {
    return switch (kind) {
      case WRITE -> limits.write();
      case READ -> limits.read();
      case CONNECT -> limits.connect();
    };
  }

  private Future<RateDecision> viaRedis(RateBudget budget, String key) {
    String interval = String.valueOf(budget.emissionIntervalMs());
    String period = String.valueOf(budget.periodMs());
    return redis.send(Request.cmd(Command.EVALSHA).arg(SHA).arg(1).arg(key).arg(interval).arg(period))
      .recover(failure -> failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT")
        ? redis.send(Request.cmd(Command.EVAL).arg(SCRIPT).arg(1).arg(key).arg(interval).arg(period))
        : Future.failedFuture(failure))
      .timeout(REDIS_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
      .map(response -> decision(budget, response));
  }

  private static RateDecision decision(RateBudget budget, Response response) {
    return RateDecision.of(response.get(0).toLong() == 1, budget.count(), response.get(1).toLong(),
      response.get(3).toLong(), response.get(2).toLong());
  }

  /** The same GCRA step as the script, on this process's clock. */
  private RateDecision takeLocally(RateBudget budget, String key) {
    double now = System.currentTimeMillis();
    if (local.size() > LOCAL_PRUNE_SIZE) {
      local.values().removeIf(tat -> tat < now);
    }
    double interval = budget.emissionIntervalMs();
    double tat = Math.max(local.getOrDefault(key, now), now);
    double newTat = tat + interval;
    double allowAt = newTat - budget.periodMs();
    if (allowAt > now) {
      return RateDecision.of(false, budget.count(), 0, (long) Math.ceil(tat - now), (long) Math.ceil(allowAt - now));
    }
    local.put(key, newTat);
    return RateDecision.of(true, budget.count(), (long) Math.floor((budget.periodMs() - (newTat - now)) / interval),
      (long) Math.ceil(newTat - now), 0);
  }

  private void degrade(Throwable failure) {
    redisRetryAt = System.currentTimeMillis() + RETRY_REDIS_MS;
    if (!degraded) {
      degraded = true;
      LOG.warn("Redis at {} does not answer ({}): rate limits are kept in this gateway only until it does",
        limits.redisUri(), failure.toString());
    }
  }

  private void recovered() {
    if (degraded) {
      degraded = false;
      local.clear();
      LOG.info("Redis answers again: rate limits are shared by every gateway again");
    }
  }

  private static String script() {
    try (InputStream in = RateLimiter.class.getResourceAsStream("gcra.lua")) {
      if (in == null) {
        throw new IllegalStateException("gcra.lua is missing from the gateway's jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
