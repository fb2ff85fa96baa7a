package io.microservicestack.stack;

import io.microservicestack.common.Setting;
import io.microservicestack.gateway.GatewayConfig;
import io.microservicestack.gateway.GatewayVerticle;
import io.microservicestack.slack.SlackConfig;
import io.microservicestack.slack.SlackVerticle;
import io.microservicestack.user.UserConfig;
import io.microservicestack.user.UserQueueVerticle;
import io.microservicestack.user.UserVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** A role the launcher can deploy: one service verticle, the settings of its config record, its instance count. */
public enum Role {
  USER("user", UserVerticle::new, UserConfig.SETTINGS, UserConfig::fromJson, LauncherSettings.USER_INSTANCES),
  USER_QUEUE("user-queue", UserQueueVerticle::new, UserConfig.SETTINGS, UserConfig::fromJson, null),
  SLACK("slack", SlackVerticle::new, SlackConfig.SETTINGS, SlackConfig::fromJson, null),
  GATEWAY("gateway", GatewayVerticle::new, GatewayConfig.SETTINGS, GatewayConfig::fromJson, LauncherSettings.GATEWAY_INSTANCES);

  /** The pseudo-role that deploys every role in one JVM. */
  public static final String ALL = "all";

  private final String roleName;
  private final Supplier<? extends Deployable> verticle;
  private final List<Setting> settings;
  private final Consumer<JsonObject> validator;
  private final Setting instances;

  Role(String roleName, Supplier<? extends Deployable> verticle, List<Setting> settings, Consumer<JsonObject> validator,
       Setting instances) {
    this.roleName = roleName;
    this.verticle = verticle;
    this.settings = settings;
    this.validator = validator;
    this.instances = instances;
  }

  public String roleName() {
    return roleName;
  }

  /** The settings of the role's config record. */
  public List<Setting> settings() {
    return settings;
  }

  Supplier<? extends Deployable> verticle() {
    return verticle;
  }

  /** Reads {@code config} as the verticle will, failing with a message that names a bad setting. */
  void validate(JsonObject config) {
    validator.accept(config);
  }

  int instances(StackConfig stack) {
    return instances == null ? 1 : Math.max(1, stack.intValue(instances));
  }

  /** The roles named by the command line: none or {@code all} means every role. */
  public static Set<Role> parse(List<String> names) {
    if (names.isEmpty() || names.contains(ALL)) {
      return EnumSet.allOf(Role.class);
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String name : names) {
      roles.add(Arrays.stream(values()).filter(r -> r.roleName.equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Unknown role '" + name + "'; roles: " + names())));
    }
    return roles;
  }

  /** The role names for messages: {@code all, user, user-queue, slack, gateway}. */
  static String names() {
    return ALL + ", " + Arrays.stream(values()).map(Role::roleName).collect(Collectors.joining(", "));
  }
}
