package io.microservicestack.slack;

import io.microservicestack.common.Configs;
import io.microservicestack.common.Topology;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.RedisOptions;

/**
 * The slack service's configuration, read from the verticle's {@code config()} object.
 *
 * <p>Every key is optional; the defaults are those of a local development machine. See the module's
 * README section for the table of keys and the environment variables the launcher maps to them.
 *
 * @param httpHost          interface the HTTP server binds to ({@code httpHost}, default {@code 0.0.0.0})
 * @param httpPort          HTTP port, 0 picks a free one ({@code httpPort}, default 8102)
 * @param redisUri          Redis connection string ({@code redisUri})
 * @param redisPoolSize     most pooled Redis connections ({@code redisPoolSize}, default 8)
 * @param keyPrefix         prefix of every Redis key the service writes ({@code keyPrefix}, default {@code slack:})
 * @param amqpUri           RabbitMQ URI ({@code amqpUri})
 * @param amqpReconnectMs   pause between RabbitMQ reconnect attempts ({@code amqpReconnectMs}, default 1000)
 * @param eventsExchange    durable topic exchange of domain events ({@code eventsExchange})
 * @param userCreatedQueue  durable queue of the {@code user.created} consumer ({@code userCreatedQueue})
 * @param maxAttempts       failed deliveries of one event before it is parked ({@code maxAttempts}, default 5)
 * @param redeliveryDelayMs pause before a failed event is handed back to the broker ({@code redeliveryDelayMs}, default 500)
 * @param consumeEvents     whether to run the {@code user.created} consumer ({@code consumeEvents}, default true)
 * @param slackWebhookUrl   Slack incoming-webhook URL, {@code null} to post nothing ({@code slackWebhookUrl})
 * @param slackMaxRetries   retries of a failed webhook post ({@code slackMaxRetries}, default 5)
 * @param slackBackoffMs    first retry delay, doubled on each retry ({@code slackBackoffMs}, default 200)
 */
public record SlackConfig(
  String httpHost,
  int httpPort,
  String redisUri,
  int redisPoolSize,
  String keyPrefix,
  String amqpUri,
  long amqpReconnectMs,
  String eventsExchange,
  String userCreatedQueue,
  int maxAttempts,
  long redeliveryDelayMs,
  boolean consumeEvents,
  String slackWebhookUrl,
  int slackMaxRetries,
  long slackBackoffMs) {

  /** Requests that may wait for a pooled Redis connection before new ones fail. */
  static final int REDIS_MAX_POOL_WAITING = 1024;
  /** TCP connect timeout to Redis, so that an unreachable server fails requests quickly. */
  static final int REDIS_CONNECT_TIMEOUT_MS = 2_000;

  public SlackConfig {
    requireRange("httpPort", httpPort, 0, 65_535);
    requireRange("redisPoolSize", redisPoolSize, 1, 1_024);
    requireRange("amqpReconnectMs", amqpReconnectMs, 1, Long.MAX_VALUE);
    requireRange("maxAttempts", maxAttempts, 1, Integer.MAX_VALUE);
    requireRange("redeliveryDelayMs", redeliveryDelayMs, 0, Long.MAX_VALUE);
    requireRange("slackMaxRetries", slackMaxRetries, 0, 100);
    requireRange("slackBackoffMs", slackBackoffMs, 1, Long.MAX_VALUE);
  }

  /** Reads the configuration, failing with an {@link IllegalArgumentException} that names a bad key. */
  public static SlackConfig from(JsonObject config) {
    JsonObject json = config == null ? new JsonObject() : config;
    return new SlackConfig(
      Configs.string(json, "httpHost", "0.0.0.0"),
      Configs.intValue(json, "httpPort", 8102),
      Configs.string(json, "redisUri", "redis://127.0.0.1:6379"),
      Configs.intValue(json, "redisPoolSize", 8),
      Configs.string(json, "keyPrefix", "slack:"),
      Configs.string(json, "amqpUri", "amqp://guest:guest@127.0.0.1:5672"),
      Configs.longValue(json, "amqpReconnectMs", 1_000),
      Configs.string(json, "eventsExchange", Topology.EVENTS_EXCHANGE),
      Configs.string(json, "userCreatedQueue", Topology.SLACK_USER_CREATED_QUEUE),
      Configs.intValue(json, "maxAttempts", 5),
      Configs.longValue(json, "redeliveryDelayMs", 500),
      Configs.bool(json, "consumeEvents", true),
      Configs.string(json, "slackWebhookUrl", null),
      Configs.intValue(json, "slackMaxRetries", 5),
      Configs.longValue(json, "slackBackoffMs", 200));
  }

  /** Options of the pooled Redis client. */
  public RedisOptions redisOptions() {
    RedisOptions options = new RedisOptions()
      .setConnectionString(redisUri)
      .setMaxPoolSize(redisPoolSize)
      .setMaxPoolWaiting(REDIS_MAX_POOL_WAITING);
    NetClientOptions net = options.getNetClientOptions();
    net.setConnectTimeout(REDIS_CONNECT_TIMEOUT_MS);
    return options;
  }

  private static void requireRange(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException("config " + key + " must be between " + min + " and " + max + ", got " + value);
    }
  }
}
