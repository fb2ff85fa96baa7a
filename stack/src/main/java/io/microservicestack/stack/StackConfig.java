package io.microservicestack.stack;

import io.vertx.core.json.JsonObject;

import java.util.EnumMap;
import java.util.Map;

/**
 * The stack's settings, from environment variables (or system properties of the same name) with the
 * defaults of {@link Setting}, turned into each verticle's own config object.
 *
 * <p>Each verticle gets a JsonObject built here rather than reading the environment itself, so that several
 * verticles in one JVM never pick up each other's settings.
 */
public final class StackConfig {

  private final Map<Setting, String> values = new EnumMap<>(Setting.class);

  private StackConfig(Map<String, String> source) {
    for (Setting setting : Setting.values()) {
      String value = source.get(setting.name());
      values.put(setting, value == null || value.isBlank() ? setting.defaultValue() : value.trim());
    }
  }

  /** Settings from {@code source} (e.g. the environment), defaults for the rest. */
  public static StackConfig from(Map<String, String> source) {
    return new StackConfig(source);
  }

  public String get(Setting setting) {
    return values.get(setting);
  }

  public int intValue(Setting setting) {
    try {
      return Integer.parseInt(get(setting));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(setting.name() + " must be an integer, got '" + get(setting) + "'");
    }
  }

  /** Whether {@code setting} has a value (it was set, or its default is not empty). */
  public boolean isSet(Setting setting) {
    return !get(setting).isEmpty();
  }

  /** A copy with {@code setting} replaced. */
  public StackConfig with(Setting setting, String value) {
    return with(Map.of(setting.name(), value));
  }

  /** A copy with the settings of {@code overrides} (by name) replaced. */
  public StackConfig with(Map<String, String> overrides) {
    Map<String, String> copy = new java.util.HashMap<>();
    values.forEach((s, v) -> copy.put(s.name(), v));
    copy.putAll(overrides);
    return new StackConfig(copy);
  }

  /** Config of the user service and of the user-queue consumer. */
  public JsonObject user() {
    return new JsonObject()
      .put("httpHost", get(Setting.HTTP_HOST))
      .put("httpPort", intValue(Setting.USER_HTTP_PORT))
      .put("pgUri", get(Setting.PG_URI))
      .put("pgSchema", get(Setting.PG_SCHEMA))
      .put("pgPoolSize", intValue(Setting.PG_POOL_SIZE))
      .put("amqpUri", get(Setting.AMQP_URI))
      .put("eventsExchange", get(Setting.EVENTS_EXCHANGE))
      .put("commandQueue", get(Setting.USER_QUEUE))
      .put("relaySweepMs", intValue(Setting.RELAY_SWEEP_MS));
  }

  /** Config of the slack service. */
  public JsonObject slack() {
    JsonObject slack = new JsonObject()
      .put("httpHost", get(Setting.HTTP_HOST))
      .put("httpPort", intValue(Setting.SLACK_HTTP_PORT))
      .put("redisUri", get(Setting.REDIS_URI))
      .put("redisPoolSize", intValue(Setting.REDIS_POOL_SIZE))
      .put("keyPrefix", get(Setting.REDIS_KEY_PREFIX))
      .put("amqpUri", get(Setting.AMQP_URI))
      .put("eventsExchange", get(Setting.EVENTS_EXCHANGE))
      .put("userCreatedQueue", get(Setting.SLACK_QUEUE))
      .put("maxAttempts", intValue(Setting.SLACK_MAX_ATTEMPTS));
    String webhook = get(Setting.SLACK_WEBHOOK_URL);
    return webhook.isBlank() ? slack : slack.put("slackWebhookUrl", webhook);
  }

  /** Config of the gateway. */
  public JsonObject gateway() {
    return new JsonObject()
      .put("httpHost", get(Setting.HTTP_HOST))
      .put("httpPort", intValue(Setting.GATEWAY_HTTP_PORT))
      .put("userHost", get(Setting.USER_SERVICE_HOST))
      .put("userPort", intValue(Setting.USER_SERVICE_PORT))
      .put("slackHost", get(Setting.SLACK_SERVICE_HOST))
      .put("slackPort", intValue(Setting.SLACK_SERVICE_PORT))
      .put("proxyTimeoutMs", intValue(Setting.PROXY_TIMEOUT_MS))
      .put("rpcTimeoutMs", intValue(Setting.RPC_TIMEOUT_MS))
      .put("healthTimeoutMs", intValue(Setting.HEALTH_TIMEOUT_MS))
      .put("wsMaxBuffered", intValue(Setting.WS_MAX_BUFFERED))
      .put("wsPingIntervalMs", intValue(Setting.WS_PING_INTERVAL_MS));
  }
}
