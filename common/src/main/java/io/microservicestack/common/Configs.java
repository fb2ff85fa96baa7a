package io.microservicestack.common;

import io.vertx.core.json.JsonObject;

/** Small typed readers for verticle config objects, failing with a message that names the key. */
public final class Configs {

  private Configs() {
  }

  public static int intValue(JsonObject config, String key, int defaultValue) {
    Object value = config.getValue(key);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Number n) {
      return n.intValue();
    }
    try {
      return Integer.parseInt(value.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("config " + key + " must be an integer, got " + value);
    }
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
}
