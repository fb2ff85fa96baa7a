package io.microservicestack.stack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the command line asks for: the roles, and {@code --cluster} (the same as {@code CLUSTER=true}).
 *
 * @param roles  the roles to deploy
 * @param config the settings, with {@code CLUSTER} set when {@code --cluster} was given
 */
public record Launch(Set<Role> roles, StackConfig config) {

  public static final String CLUSTER_FLAG = "--cluster";

  public static Launch parse(String[] args, Map<String, String> settings) {
    List<String> roles = new ArrayList<>();
    StackConfig config = StackConfig.from(settings);
    for (String arg : args) {
      if (arg.equals(CLUSTER_FLAG)) {
        config = config.with(Setting.CLUSTER, "true");
      } else if (arg.startsWith("-")) {
        throw new IllegalArgumentException("Unknown option '" + arg + "'; usage: java -jar stack.jar [role...] [" + CLUSTER_FLAG + "]");
      } else {
        roles.add(arg);
      }
    }
    return new Launch(Role.parse(roles), config);
  }
}
