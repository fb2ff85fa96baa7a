package io.microservicestack.stack;

import io.microservicestack.embedded.EmbeddedServers;
import io.microservicestack.gateway.GatewayConfig;
import io.microservicestack.slack.SlackConfig;
import io.microservicestack.user.UserConfig;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The launcher: {@code java -jar stack.jar [all|user|user-queue|slack|gateway ...] [--cluster]}, {@code --help},
 * {@code --version}, {@code token --sub <subject> --scope "..."} ({@link TokenCommand}).
 *
 * <p>{@code dlq ...} runs the dead-letter tool instead ({@link DeadLetterTool}).
 *
 * <p>Settings come from environment variables (see {@code --help}); {@code --cluster} joins the clustered event
 * bus. A server whose address is not set starts embedded first ({@link ZeroInstall}). The last startup line says
 * where to go ({@code ready: http://localhost:8100/}). A start that fails for a reason the user can fix (a taken
 * port, a bad setting) is one line that says what to change. SIGTERM undeploys everything gracefully (in-flight
 * requests finish, pools close), leaves the cluster, then stops the embedded servers.
 */
public final class StackMain {

  private static final Logger LOG = LoggerFactory.getLogger(StackMain.class);
  private static final long START_TIMEOUT_SECONDS = 120;
  private static final long SHUTDOWN_TIMEOUT_SECONDS = 20;

  private StackMain() {
  }

  public static void main(String[] args) {
    AtomicReference<Future<RunningStack>> stack = new AtomicReference<>();
    AtomicReference<EmbeddedServers> embedded = new AtomicReference<>();
    try {
      if (args.length > 0 && args[0].equals(DeadLetterTool.COMMAND)) {
        System.exit(deadLetters(java.util.Arrays.copyOfRange(args, 1, args.length)));
      }
      CommandLine command = CommandLine.parse(args, settings());
      switch (command.action()) {
        case HELP -> print(help());
        case VERSION -> print(version());
        case TOKEN -> print(TokenCommand.token(command.config(), command.arguments()));
        case RUN -> {
          Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(stack.get(), embedded.get()), "stack-shutdown"));
          run(command, stack, embedded);
        }
      }
    } catch (Exception e) {
      failed(e);
    }
  }

  private static void run(CommandLine command, AtomicReference<Future<RunningStack>> stack,
                          AtomicReference<EmbeddedServers> embedded) throws Exception {
    StackConfig config = command.config();
    logFormat(config, command);
    long started = System.nanoTime();
    RunningStack.configs(config, command.roles());
    LOG.info("Starting {}; roles {}", version(), names(command));
    JvmFlags.advice(command.roles(), JvmFlags.hugeMethodsCompiled()).ifPresent(LOG::info);
    if (ZeroInstall.needed(config)) {
      LOG.info("Starting embedded servers for what is not configured (PG_URI, REDIS_URI, AMQP_URI): a few seconds");
      embedded.set(ZeroInstall.start(config));
      config = config.with(embedded.get().uris());
    }
    stack.set(RunningStack.start(config, command.roles()));
    RunningStack running = stack.get().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    LOG.info("ready in {} ms{}, {} transport: {}", (System.nanoTime() - started) / 1_000_000,
      running.vertx().isClustered() ? " (clustered, cluster " + config.get(LauncherSettings.CLUSTER_NAME) + ")" : "",
      running.vertx().isNativeTransportEnabled() ? "native" : "NIO", String.join(", ", addresses(config, command)));
  }

  /**
   * Checks {@code LOG_FORMAT} (logback read it already), gives JSON lines the roles of this JVM, and sends what
   * libraries log through java.util.logging (the OpenTelemetry SDK: an exporter that cannot reach its collector) to
   * the same lines, so that a JSON log has no line of another format.
   */
  private static void logFormat(StackConfig config, CommandLine command) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    String format = config.get(LauncherSettings.LOG_FORMAT).trim().toLowerCase(java.util.Locale.ROOT);
    if (!LogEncoder.TEXT.equals(format) && !LogEncoder.JSON.equals(format)) {
      throw new IllegalArgumentException(LauncherSettings.LOG_FORMAT.name() + " must be text or json, got '" + format + "'");
    }
    LogEncoder.roles(String.join(",", command.roles().stream().map(Role::roleName).toList()));
  }

  /** Where each deployed service answers, the gateway's page first. */
  private static List<String> addresses(StackConfig config, CommandLine command) {
    List<String> addresses = new ArrayList<>();
    if (command.roles().contains(Role.GATEWAY)) {
      addresses.add("http://localhost:" + config.get(GatewayConfig.HTTP_PORT) + "/ (the console; API and websocket feed)");
    }
    if (command.roles().contains(Role.USER)) {
      addresses.add("user service http://localhost:" + config.get(UserConfig.HTTP_PORT));
    }
    if (command.roles().contains(Role.SLACK)) {
      addresses.add("slack service http://localhost:" + config.get(SlackConfig.HTTP_PORT));
    }
    if (command.roles().contains(Role.USER_QUEUE)) {
      addresses.add("user-queue consuming " + config.get(UserConfig.COMMAND_QUEUE));
    }
    return addresses;
  }

  /** Runs the dead-letter tool; its answer goes to standard output, a failure is one line on the log. */
  private static int deadLetters(String[] args) {
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    try {
      return DeadLetterTool.run(args, settings(), out);
    } catch (IllegalArgumentException e) {
      LOG.error("{}", e.getMessage());
      return 2;
    } catch (Exception e) {
      LOG.error("The dead-letter tool failed; every message it had not finished with stays in the DLQ: {}", e.toString());
      return 1;
    }
  }

  /**
   * Logs why the start failed and exits 1: one line for what the user can fix (a bad setting or argument, a taken
   * port), the stack trace for anything else.
   */
  private static void failed(Throwable e) {
    Throwable cause = e;
    while (!(cause instanceof IllegalArgumentException || cause instanceof IllegalStateException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof IllegalArgumentException || cause instanceof IllegalStateException) {
      LOG.error("The stack failed to start: {}", cause.getMessage());
    } else {
      LOG.error("The stack failed to start", e);
    }
    System.exit(1);
  }

  /** Stops the stack (waiting for it to finish starting, when SIGTERM came during startup), then the servers. */
  private static void shutdown(Future<RunningStack> starting, EmbeddedServers embedded) {
    if (starting != null && !starting.failed()) {
      LOG.info("Shutting down: finishing in-flight requests");
      try {
        starting.await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS).close().await(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        LOG.info("Shut down cleanly");
      } catch (Exception e) {
        LOG.warn("Shutdown did not finish cleanly: {}", e.toString());
      }
    }
    if (embedded != null) {
      embedded.close();
    }
  }

  /** The environment, overridden by system properties of the same names. */
  static Map<String, String> settings() {
    Map<String, String> settings = new HashMap<>(System.getenv());
    for (String name : StackConfig.knownNames()) {
      String property = System.getProperty(name);
      if (property != null) {
        settings.put(name, property);
      }
    }
    return settings;
  }

  static String help() {
    return """
      Usage: java -jar stack.jar [ROLE...] [--cluster]
             java -jar stack.jar --help | --version
             java -jar stack.jar dlq list|replay|drop --queue <queue> [--id <message-id>|--all]
             java -jar stack.jar token --sub <subject> [--scope "users:read users:write"] [--ttl <seconds>]

      Runs the microservice-stack roles in this JVM: %s (default: all).
      --cluster joins the Hazelcast-clustered event bus (the same as CLUSTER=true), so each role can run in its own JVM.
      PostgreSQL, Redis and an AMQP broker start embedded when PG_URI, REDIS_URI or AMQP_URI is not set.

      Settings: environment variables, or system properties of the same name (-DNAME=value); [default]
      """.formatted(Role.names()) + SettingsDoc.text();
  }

  static String version() {
    String version = StackMain.class.getPackage().getImplementationVersion();
    return "microservice-stack " + (version == null ? "(development build)" : version)
      + ", Vert.x " + vertxVersion() + ", Java " + Runtime.version();
  }

  private static String vertxVersion() {
    try (var in = io.vertx.core.Vertx.class.getResourceAsStream("/META-INF/vertx/vertx-version.txt")) {
      return in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static String names(CommandLine command) {
    return command.roles().stream().map(Role::roleName).toList().toString();
  }

  /** The command's answer goes to standard output, where a user (or a script) reads it; logs go to the log. */
  private static void print(String text) {
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    out.println(text.stripTrailing());
  }
}
