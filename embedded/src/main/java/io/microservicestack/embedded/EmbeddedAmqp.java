package io.microservicestack.embedded;

import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.configuration.CommonProperties;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.Port;
import org.apache.qpid.server.model.SystemConfig;
import org.apache.qpid.server.model.port.AmqpPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An AMQP 0-9-1 broker (Apache Qpid Broker-J) running in this JVM, in memory, on a free port of 127.0.0.1:
 * {@code amqp://guest:guest@127.0.0.1:<port>}, virtual host {@code /}.
 *
 * <p>It speaks the protocol of RabbitMQ's clients (exchanges, durable queues, bindings, publisher confirms, qos,
 * manual ack) but is not RabbitMQ: queue arguments such as {@code x-dead-letter-exchange} are refused (the broker
 * closes the connection), and {@code basicNack(requeue = false)} requeues. Messages do not outlive the JVM.
 */
public final class EmbeddedAmqp implements EmbeddedServer {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedAmqp.class);
  private static final String INITIAL_CONFIG = "classpath:io/microservicestack/embedded/qpid-initial-config.json";

  private final SystemLauncher launcher;
  private final int port;
  private final String version;
  private final TempDir workDirectory;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedAmqp(SystemLauncher launcher, int port, String version, TempDir workDirectory) {
    this.launcher = launcher;
    this.port = port;
    this.version = version;
    this.workDirectory = workDirectory;
  }

  /**
   * Starts a broker.
   *
   * @throws EmbeddedServerException when it does not start
   */
  public static EmbeddedAmqp start() {
    TempDir workDirectory = TempDir.create("embedded-qpid-");
    BrokerListener listener = new BrokerListener();
    SystemLauncher launcher = new SystemLauncher(listener);
    try {
      launcher.startup(Map.of(
        "type", "Memory",
        "initialConfigurationLocation", INITIAL_CONFIG,
        "startupLoggedToSystemOut", false,
        "preferenceStoreAttributes", Map.of("type", "Noop"),
        "context", Map.of(
          "qpid.work_dir", workDirectory.path().toString(),
          // an AMQP port that cannot bind fails the start instead of leaving a broker nobody can reach
          "broker.failStartupWithErroredChild", "true")));
      Broker<?> broker = listener.broker;
      int port = amqpPort(broker);
      removeShutdownHook(broker);
      return new EmbeddedAmqp(launcher, port, CommonProperties.getReleaseVersion(), workDirectory);
    } catch (Exception | LinkageError e) {
      try {
        launcher.shutdown();
      } catch (RuntimeException | LinkageError suppressed) {
        e.addSuppressed(suppressed);
      }
      workDirectory.close();
      throw new EmbeddedServerException("Embedded AMQP broker (Qpid) did not start: " + e, e);
    }
  }

  @Override
  public String description() {
    return "Qpid Broker-J " + version + " (AMQP 0-9-1)";
  }

  /** {@code amqp://guest:guest@127.0.0.1:<port>}. */
  @Override
  public String uri() {
    return "amqp://guest:guest@127.0.0.1:" + port;
  }

  @Override
  public int port() {
    return port;
  }

  /** Closes the broker (its connections are closed, its messages dropped) and removes its work directory. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        launcher.shutdown();
      } catch (RuntimeException e) {
        LOG.warn("Embedded AMQP broker did not stop cleanly: {}", e.toString());
      }
      workDirectory.close();
    }
  }

  @Override
  public String toString() {
    return description() + " on " + uri();
  }

  private static int amqpPort(Broker<?> broker) {
    if (broker == null) {
      throw new IllegalStateException("the broker did not come up");
    }
    for (Port<?> port : broker.getPorts()) {
      if (port instanceof AmqpPort && port.getBoundPort() > 0) {
        return port.getBoundPort();
      }
    }
    throw new IllegalStateException("the broker has no bound AMQP port");
  }

  /**
   * Qpid registers a JVM shutdown hook that closes the broker; it would run concurrently with the launcher's
   * hook and cut the stack's AMQP connections while the stack drains. Removed, so the launcher decides when the
   * broker stops. Best effort: if Qpid's internals differ, its hook stays (harmless, only less orderly).
   */
  private static void removeShutdownHook(Broker<?> broker) {
    try {
      for (Class<?> type = broker.getClass(); type != null; type = type.getSuperclass()) {
        for (Field field : type.getDeclaredFields()) {
          if (field.getName().equals("_shutdownHook") && Thread.class.isAssignableFrom(field.getType())) {
            field.setAccessible(true);
            Runtime.getRuntime().removeShutdownHook((Thread) field.get(broker));
            return;
          }
        }
      }
      LOG.debug("Qpid's shutdown hook not found; it stays registered");
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("Qpid's shutdown hook stays registered: {}", e.toString());
    }
  }

  /** Captures the broker when Qpid has created it. */
  private static final class BrokerListener extends SystemLauncherListener.DefaultSystemLauncherListener {

    private volatile Broker<?> broker;

    @Override
    @SuppressWarnings("unchecked") // Broker is generic in itself; Qpid's own callers use the raw class too
    public void onContainerResolve(SystemConfig<?> systemConfig) {
      broker = systemConfig.getContainer(Broker.class);
    }
  }
}
