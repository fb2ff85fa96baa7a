package io.microservicestack.stack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the command line asks for: {@code java -jar stack.jar [role...] [--cluster]}, or {@code --help}, or
 * {@code --version}.
 *
 * @param roles  the roles to deploy
 * @param config the settings, with {@code CLUSTER} set when {@code --cluster} was given
 * @param action what to do: run the roles, or print the help or the version
 */
public record CommandLine(Set<Role> roles, StackConfig config, Action action) {

  public static final String CLUSTER_FLAG = "--cluster";

  /** What the launcher is asked to do. */
  public enum Action { RUN, HELP, VERSION }

  /**
   * @throws IllegalArgumentException for an unknown option or role, naming it
   */
  public static CommandLine parse(String[] args, Map<String, String> settings) {
    List<String> roles = new ArrayList<>();
    StackConfig config = StackConfig.from(settings);
    Action action = Action.RUN;
    for (String arg : args) {
      switch (arg) {
        case CLUSTER_FLAG -> config = config.with(LauncherSettings.CLUSTER, "true");
        case "--help", "-h", "help" -> action = Action.HELP;
        case "--version", "-V", "version" -> action = action == Action.HELP ? action : Action.VERSION;
        default -> {
          if (arg.startsWith("-")) {
            throw new IllegalArgumentException("Unknown option '" + arg + "'; see java -jar stack.jar --help");
          }
          roles.add(arg);
        }
      }
    }
    return new CommandLine(action == Action.RUN ? Role.parse(roles) : Set.of(), config, action);
  }
}
