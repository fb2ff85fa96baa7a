package io.microservicestack.common;

import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * One setting of a service: its key in the verticle's {@code config()} object, the environment variable the
 * launcher maps onto it, its default and what it does. Each service's config record lists its settings once
 * ({@code XxxConfig.SETTINGS}); the launcher, {@code --help} and the configuration docs all read that list.
 *
 * <p>The readers take the value from a config object (a JSON value of the right type, or text as it comes from
 * an environment variable) and fail with an {@link IllegalArgumentException} that names the variable.
 *
 * @param key          the key in the verticle config, e.g. {@code httpPort}
 * @param env          the environment variable (or {@code -D} system property) the launcher reads, or null for a key
 *                     that only tests and embedders set
 * @param defaultValue the default as text ({@code ""}: none)
 * @param description  what it does, one line
 */
public record Setting(String key, String env, String defaultValue, String description) {

  /** A setting with a default of any type (written as text). */
  public static Setting of(String key, String env, Object defaultValue, String description) {
    return new Setting(key, env, defaultValue == null ? "" : String.valueOf(defaultValue), description);
  }

  /** The same setting read from another environment variable (e.g. each service's own HTTP port). */
  public Setting env(String otherEnv, Object otherDefault, String otherDescription) {
    return of(key, otherEnv, otherDefault, otherDescription);
  }

  /** The value as text: the configured one, else the default; null when neither is set. */
  public String string(JsonObject config) {
    Object value = config == null ? null : config.getValue(key);
    String text = value == null ? null : value.toString();
    if (text == null || text.isBlank()) {
      return defaultValue.isEmpty() ? null : defaultValue;
    }
    return text;
  }

  public long longValue(JsonObject config) {
    Object value = config == null ? null : config.getValue(key);
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    String text = string(config);
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException | NullPointerException e) {
      throw invalid("an integer", text);
    }
  }

  public int intValue(JsonObject config) {
    long value = longValue(config);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw invalid("an integer", String.valueOf(value));
    }
    return (int) value;
  }

  /** A boolean: {@code true}/{@code false}, or as text {@code true|yes|1} and {@code false|no|0}. */
  public boolean bool(JsonObject config) {
    Object value = config == null ? null : config.getValue(key);
    if (value instanceof Boolean b) {
      return b;
    }
    String text = string(config);
    return switch (text == null ? "" : text.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw invalid("true or false", text);
    };
  }

  /** Fails unless {@code min <= value <= max}, naming the setting. */
  public long requireRange(long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name() + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  /** How the setting is named in messages: the environment variable when there is one, and the config key. */
  public String name() {
    return env == null ? key : env + " (" + key + ")";
  }

  private IllegalArgumentException invalid(String what, String value) {
    return new IllegalArgumentException(name() + " must be " + what + ", got '" + value + "'");
  }
}
