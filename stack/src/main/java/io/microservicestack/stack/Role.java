package io.microservicestack.stack;

import io.microservicestack.gateway.GatewayVerticle;
import io.microservicestack.slack.SlackVerticle;
import io.microservicestack.user.UserQueueVerticle;
import io.microservicestack.user.UserVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** A role the launcher can deploy: one service verticle, its config and its instance count. */
public enum Role {
  USER("user", UserVerticle::new, StackConfig::user, Setting.USER_INSTANCES),
  USER_QUEUE("user-queue", UserQueueVerticle::new, StackConfig::user, null),
  SLACK("slack", SlackVerticle::new, StackConfig::slack, null),
  GATEWAY("gateway", GatewayVerticle::new, StackConfig::gateway, Setting.GATEWAY_INSTANCES);

  /** The pseudo-role that deploys every role in one JVM. */
  public static final String ALL = "all";

  private final String roleName;
  private final Supplier<? extends Deployable> verticle;
  private final Function<StackConfig, JsonObject> config;
  private final Setting instances;

  Role(String roleName, Supplier<? extends Deployable> verticle, Function<StackConfig, JsonObject> config, Setting instances) {
    this.roleName = roleName;
    this.verticle = verticle;
    this.config = config;
    this.instances = instances;
  }

  public String roleName() {
    return roleName;
  }

  Supplier<? extends Deployable> verticle() {
    return verticle;
  }

  JsonObject config(StackConfig stack) {
    return config.apply(stack);
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
        .orElseThrow(() -> new IllegalArgumentException("Unknown role '" + name + "'; roles: " + ALL + ", "
          + Arrays.stream(values()).map(Role::roleName).collect(Collectors.joining(", ")))));
    }
    return roles;
  }
}
