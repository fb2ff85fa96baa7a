package io.microservicestack.stack;

import io.microservicestack.common.CommonSettings;
import io.microservicestack.common.Setting;
import io.microservicestack.gateway.AuthConfig;
import io.microservicestack.gateway.GatewayConfig;
import io.microservicestack.slack.SlackConfig;
import io.microservicestack.user.UserConfig;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The environment as the launcher sees it: the values of the settings it knows (environment variables, or system
 * properties of the same names), mapped onto each role's config object.
 *
 * <p>The launcher only passes on what was set: each service's config record owns its keys, defaults and validation
 * ({@link Role#settings()}). Each verticle gets a JsonObject built here rather than reading the environment itself,
 * so that several verticles in one JVM never pick up each other's settings.
 */
public final class StackConfig {

  private final Map<String, String> values;

  private StackConfig(Map<String, String> values) {
    this.values = values;
  }

  /** The settings the launcher knows, taken from {@code source} (e.g. the environment); blank values count as unset. */
  public static StackConfig from(Map<String, String> source) {
    Map<String, String> values = new HashMap<>();
    for (String name : knownNames()) {
      String value = source.get(name);
      if (value != null && !value.isBlank()) {
        values.put(name, value.trim());
      }
    }
    return new StackConfig(values);
  }

  /** Every environment variable the launcher reads: the launcher's own and every role's. */
  public static Set<String> knownNames() {
    Set<String> names = new TreeSet<>();
    Stream.concat(LauncherSettings.SETTINGS.stream(), Stream.of(Role.values()).flatMap(role -> role.settings().stream()))
      .map(Setting::env)
      .filter(name -> name != null)
      .forEach(names::add);
    return names;
  }

  /** The value of {@code setting}: the one set, else its default ({@code ""} when it has none). */
  public String get(Setting setting) {
    return values.getOrDefault(setting.env(), setting.defaultValue());
  }

  public int intValue(Setting setting) {
    return setting.intValue(new JsonObject().put(setting.key(), get(setting)));
  }

  public boolean bool(Setting setting) {
    return setting.bool(new JsonObject().put(setting.key(), get(setting)));
  }

  /** Whether {@code setting} was set (not just defaulted). */
  public boolean isSet(Setting setting) {
    return values.containsKey(setting.env());
  }

  /** A copy with {@code setting} set to {@code value}. */
  public StackConfig with(Setting setting, String value) {
    return with(Map.of(setting.env(), value));
  }

  /** A copy with the settings of {@code overrides} (by environment variable name) set. */
  public StackConfig with(Map<String, String> overrides) {
    Map<String, String> copy = new HashMap<>(values);
    copy.putAll(overrides);
    return from(copy);
  }

  /**
   * The config object of {@code role}: every one of its settings that was set, under its key. In one JVM with the
   * user (slack) role, the gateway's upstream port follows {@code USER_HTTP_PORT} ({@code SLACK_HTTP_PORT}) unless
   * {@code USER_SERVICE_PORT} ({@code SLACK_SERVICE_PORT}) is set, so moving a service moves the gateway's proxy too.
   *
   * @throws IllegalArgumentException naming the setting, when a value is not valid for the role
   */
  public JsonObject configFor(Role role, Set<Role> deployed) {
    Map<String, Object> config = new LinkedHashMap<>();
    for (Setting setting : role.settings()) {
      if (setting.env() != null && isSet(setting)) {
        config.put(setting.key(), get(setting));
      }
    }
    if (loopbackOnly(role, deployed)) {
      config.put(CommonSettings.HTTP_HOST.key(), "127.0.0.1");
    }
    if (role == Role.GATEWAY) {
      follow(config, GatewayConfig.USER_PORT, deployed.contains(Role.USER), UserConfig.HTTP_PORT);
      follow(config, GatewayConfig.SLACK_PORT, deployed.contains(Role.SLACK), SlackConfig.HTTP_PORT);
    }
    JsonObject json = new JsonObject(config);
    role.validate(json);
    return json;
  }

  /**
   * With the API open ({@code AUTH_MODE=off}), {@code HTTP_HOST} unset and every service in this one unclustered JVM
   * with the gateway, the services listen on 127.0.0.1 like the gateway does: nothing of the open stack is reachable
   * from another machine. (The gateway itself decides so from its own config; clustered services keep 0.0.0.0 so that
   * gateways on other hosts reach them.)
   */
  private boolean loopbackOnly(Role role, Set<Role> deployed) {
    return role != Role.GATEWAY && deployed.contains(Role.GATEWAY) && !isSet(CommonSettings.HTTP_HOST)
      && !bool(LauncherSettings.CLUSTER) && !"jwt".equalsIgnoreCase(get(AuthConfig.AUTH_MODE));
  }

  private void follow(Map<String, Object> config, Setting upstream, boolean inThisJvm, Setting servicePort) {
    if (inThisJvm && !isSet(upstream) && isSet(servicePort) && intValue(servicePort) != 0) {
      config.put(upstream.key(), get(servicePort));
    }
  }
}
