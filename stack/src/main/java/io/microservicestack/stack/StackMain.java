package io.microservicestack.stack;

import io.microservicestack.embedded.EmbeddedServers;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The launcher: {@code java -jar stack.jar [all|user|user-queue|slack|gateway ...] [--cluster]}.
 *
 * <p>Settings come from environment variables (see {@link Setting}); {@code --cluster} joins the clustered
 * event bus. A server whose address is not set starts embedded first ({@link LocalServers}). SIGTERM undeploys
 * everything gracefully (in-flight requests finish, pools close), leaves the cluster, then stops the embedded
 * servers.
 */
public final class StackMain {

  private static final Logger LOG = LoggerFactory.getLogger(StackMain.class);
  private static final long START_TIMEOUT_SECONDS = 120;
  private static final long SHUTDOWN_TIMEOUT_SECONDS = 20;

  private StackMain() {
  }

  public static void main(String[] args) {
    AtomicReference<Future<Stack>> stack = new AtomicReference<>();
    AtomicReference<EmbeddedServers> embedded = new AtomicReference<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(stack.get(), embedded.get()), "stack-shutdown"));
    try {
      Launch launch = Launch.parse(args, settings());
      StackConfig config = launch.config();
      if (LocalServers.needed(config)) {
        embedded.set(LocalServers.start(config));
        config = config.with(embedded.get().uris());
      }
      stack.set(Stack.start(config, launch.roles()));
      stack.get().await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("The stack failed to start", e);
      System.exit(1);
    }
  }

  /** Stops the stack (waiting for it to finish starting, when SIGTERM came during startup), then the servers. */
  private static void shutdown(Future<Stack> starting, EmbeddedServers embedded) {
    if (starting != null) {
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
    for (Setting setting : Setting.values()) {
      String property = System.getProperty(setting.name());
      if (property != null) {
        settings.put(setting.name(), property);
      }
    }
    return settings;
  }
}
