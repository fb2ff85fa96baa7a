package io.microservicestack.slack;

import io.microservicestack.common.CommonSettings;
import io.microservicestack.common.ServicePorts;
import io.microservicestack.common.Setting;
import io.microservicestack.common.Topology;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.RedisOptions;

import java.util.List;

/**
 * The slack service's settings, read from the verticle's {@code config()}; {@link #SETTINGS} lists every key with
 * its environment variable, default and meaning.
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

  public static final Setting HTTP_PORT = Setting.of("httpPort", "SLACK_HTTP_PORT", ServicePorts.SLACK, "slack service HTTP port (0 picks a free one)");
  public static final Setting REDIS_POOL_SIZE = Setting.of("redisPoolSize", "REDIS_POOL_SIZE", 8, "Redis connections of the slack service");
  public static final Setting KEY_PREFIX = Setting.of("keyPrefix", "REDIS_KEY_PREFIX", "slack:", "prefix of every Redis key the slack service writes");
  public static final Setting QUEUE = Setting.of("userCreatedQueue", "SLACK_QUEUE", Topology.SLACK_USER_CREATED_QUEUE,
    "queue of the slack service's user.created consumer (bound to EVENTS_EXCHANGE; its DLQ adds .dlq)");
  public static final Setting MAX_ATTEMPTS = Setting.of("maxAttempts", "SLACK_MAX_ATTEMPTS", 5,
    "failed deliveries of an event before the slack consumer parks it in the DLQ");
  public static final Setting REDELIVERY_DELAY_MS = Setting.of("redeliveryDelayMs", "SLACK_REDELIVERY_DELAY_MS", 500,
    "pause before a failed event is handed back to the broker (ms)");
  public static final Setting CONSUME_EVENTS = Setting.of("consumeEvents", null, true, "run the user.created consumer");
  public static final Setting WEBHOOK_URL = Setting.of("slackWebhookUrl", "SLACK_WEBHOOK_URL", "",
    "Slack incoming-webhook URL; empty: messages are stored, not posted");
  public static final Setting MAX_RETRIES = Setting.of("slackMaxRetries", "SLACK_MAX_RETRIES", 5,
    "retries of a failed webhook post (5xx, 429, connection errors)");
  public static final Setting BACKOFF_MS = Setting.of("slackBackoffMs", "SLACK_BACKOFF_MS", 200,
    "first webhook retry delay (ms), doubled each retry (at most 30 s); a 429's Retry-After wins (at most 60 s)");

  /** Every setting, in the order of the docs. */
  public static final List<Setting> SETTINGS = List.of(CommonSettings.HTTP_HOST, HTTP_PORT, CommonSettings.REDIS_URI, REDIS_POOL_SIZE, KEY_PREFIX,
    CommonSettings.AMQP_URI, CommonSettings.AMQP_RECONNECT_MS, CommonSettings.EVENTS_EXCHANGE, QUEUE, MAX_ATTEMPTS,
    REDELIVERY_DELAY_MS, CONSUME_EVENTS, WEBHOOK_URL, MAX_RETRIES, BACKOFF_MS);

  /** Requests that may wait for a pooled Redis connection before new ones fail. */
  static final int REDIS_MAX_POOL_WAITING = 1024;
  /** TCP connect timeout to Redis, so that an unreachable server fails requests quickly. */
  static final int REDIS_CONNECT_TIMEOUT_MS = 2_000;

  public SlackConfig {
    HTTP_PORT.requireRange(httpPort, 0, 65_535);
    REDIS_POOL_SIZE.requireRange(redisPoolSize, 1, 1_024);
    CommonSettings.AMQP_RECONNECT_MS.requireRange(amqpReconnectMs, 1, Long.MAX_VALUE);
    MAX_ATTEMPTS.requireRange(maxAttempts, 1, Integer.MAX_VALUE);
    REDELIVERY_DELAY_MS.requireRange(redeliveryDelayMs, 0, Long.MAX_VALUE);
    MAX_RETRIES.requireRange(slackMaxRetries, 0, 100);
    BACKOFF_MS.requireRange(slackBackoffMs, 1, Long.MAX_VALUE);
  }

  /** Reads the config object, with the defaults for absent keys; a bad value fails naming its setting. */
  public static SlackConfig fromJson(JsonObject json) {
    return new SlackConfig(
      CommonSettings.HTTP_HOST.string(json),
      HTTP_PORT.intValue(json),
      CommonSettings.REDIS_URI.string(json),
      REDIS_POOL_SIZE.intValue(json),
      KEY_PREFIX.string(json),
      CommonSettings.AMQP_URI.string(json),
      CommonSettings.AMQP_RECONNECT_MS.longValue(json),
      CommonSettings.EVENTS_EXCHANGE.string(json),
      QUEUE.string(json),
      MAX_ATTEMPTS.intValue(json),
      REDELIVERY_DELAY_MS.longValue(json),
      CONSUME_EVENTS.bool(json),
      WEBHOOK_URL.string(json),
      MAX_RETRIES.intValue(json),
      BACKOFF_MS.longValue(json));
  }

  /** The config object this record reads back to itself. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
      .put(CommonSettings.HTTP_HOST.key(), httpHost)
      .put(HTTP_PORT.key(), httpPort)
      .put(CommonSettings.REDIS_URI.key(), redisUri)
      .put(REDIS_POOL_SIZE.key(), redisPoolSize)
      .put(KEY_PREFIX.key(), keyPrefix)
      .put(CommonSettings.AMQP_URI.key(), amqpUri)
      .put(CommonSettings.AMQP_RECONNECT_MS.key(), amqpReconnectMs)
      .put(CommonSettings.EVENTS_EXCHANGE.key(), eventsExchange)
      .put(QUEUE.key(), userCreatedQueue)
      .put(MAX_ATTEMPTS.key(), maxAttempts)
      .put(REDELIVERY_DELAY_MS.key(), redeliveryDelayMs)
      .put(CONSUME_EVENTS.key(), consumeEvents)
      .put(MAX_RETRIES.key(), slackMaxRetries)
      .put(BACKOFF_MS.key(), slackBackoffMs);
    return slackWebhookUrl == null ? json : json.put(WEBHOOK_URL.key(), slackWebhookUrl);
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
}
