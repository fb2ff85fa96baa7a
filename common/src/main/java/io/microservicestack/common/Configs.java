package io.microservicestack.common;

import io.vertx.core.json.JsonObject;

/** Small typed readers for verticle config objects, failing with a message that names the key. */
public final class Configs {

  private Configs() {
  }

  public static int intValue(JsonObject config, String key, int defaultValue) {
    long value = longValue(config, key, defaultValue);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("config " + key + " must be an integer, got " + value);
    }
    return (int) value;
  }

  public static long longValue(JsonObject config, String key, long defaultValue) {
    Object value = config.getValue(key);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Number n) {
      return n.longValue();
    }
    try {
      return Long.parseLong(value.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("config " + key + " must be an integer, got " + value);
    }
  }

  public static String string(JsonObject config, String key, String defaultValue) {
    Object value = config.getValue(key);
    return value == null || value.toString().isBlank() ? defaultValue : value.toString();
  }

  /** A boolean: {@code true}/{@code false}, or as text {@code true|yes|1} and {@code false|no|0}. */
  public static boolean bool(JsonObject config, String key, boolean defaultValue) {
    Object value = config.getValue(key);
    if (value == null || value.toString().isBlank()) {
      return defaultValue;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    return switch (value.toString().trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new IllegalArgumentException("config " + key + " must be true or false, got " + value);
    };
  }
}
