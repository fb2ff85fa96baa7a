package io.microservicestack.stack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the command line asks for: {@code java -jar stack.jar [role...] [--cluster]}, or {@code --help}, or
 * {@code --version}, or {@code token --sub <subject> [--scope "..."] [--ttl <seconds>]}.
 *
 * @param roles     the roles to deploy
 * @param config    the settings, with {@code CLUSTER} set when {@code --cluster} was given
 * @param action    what to do: run the roles, print the help or the version, or print a development token
 * @param arguments the token command's options (empty for the other actions)
 */
public record CommandLine(Set<Role> roles, StackConfig config, Action action, List<String> arguments) {

  public static final String CLUSTER_FLAG = "--cluster";

  /** What the launcher is asked to do. */
  public enum Action { RUN, HELP, VERSION, TOKEN }

  /** The command that prints a development token. */
  public static final String TOKEN = "token";

  /**
   * @throws IllegalArgumentException for an unknown option or role, naming it
   */
  public static CommandLine parse(String[] args, Map<String, String> settings) {
    StackConfig config = StackConfig.from(settings);
    if (args.length > 0 && args[0].equals(TOKEN)) {
      return new CommandLine(Set.of(), config, Action.TOKEN, List.of(args).subList(1, args.length));
    }
    List<String> roles = new ArrayList<>();
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
    return new CommandLine(action == Action.RUN ? Role.parse(roles) : Set.of(), config, action, List.of());
  }
}
