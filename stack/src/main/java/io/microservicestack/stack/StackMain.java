package io.microservicestack.stack;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The launcher: {@code java -jar stack.jar [all|user|user-queue|slack|gateway ...] [--cluster]}.
 *
 * <p>Settings come from environment variables (see {@link Setting}); {@code --cluster} joins the clustered
 * event bus. SIGTERM undeploys everything gracefully (in-flight requests finish, pools close) and leaves the cluster.
 */
public final class StackMain {

  private static final Logger LOG = LoggerFactory.getLogger(StackMain.class);
  private static final long SHUTDOWN_TIMEOUT_SECONDS = 20;

  private StackMain() {
  }

  public static void main(String[] args) {
    Stack stack;
    try {
      Launch launch = Launch.parse(args, settings());
      stack = Stack.start(launch.config(), launch.roles()).await(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("The stack failed to start", e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Shutting down: finishing in-flight requests");
      try {
        stack.close().await(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        LOG.info("Shut down cleanly");
      } catch (Exception e) {
        LOG.warn("Shutdown did not finish cleanly: {}", e.toString());
      }
    }, "stack-shutdown"));
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
