package io.microservicestack.stack;

import com.hazelcast.config.Config;
import com.hazelcast.config.XmlConfigBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The clustered event bus: a Hazelcast cluster manager built from {@code cluster.xml} (in the jar, or the file
 * named by {@code -Dvertx.hazelcast.config}), whose {@code ${stack.cluster.*}} placeholders come from the
 * {@code CLUSTER_*} settings.
 */
final class Clustering {

  static final String CONFIG_PROPERTY = "vertx.hazelcast.config";

  private Clustering() {
  }

  static HazelcastClusterManager clusterManager(StackConfig config) {
    return new HazelcastClusterManager(hazelcastConfig(config));
  }

  /**
   * The Hazelcast config with the placeholders filled: from the {@code CLUSTER_*} settings, unless a system
   * property of the placeholder's name is set ({@code -Dstack.cluster.members=...}); any other system property
   * can be used as a placeholder in a replacement cluster.xml.
   */
  static Config hazelcastConfig(StackConfig config) {
    String iface = config.get(LauncherSettings.CLUSTER_INTERFACE);
    boolean anyInterface = "any".equalsIgnoreCase(iface);
    Properties properties = new Properties();
    properties.putAll(System.getProperties());
    properties.putIfAbsent("stack.cluster.name", config.get(LauncherSettings.CLUSTER_NAME));
    properties.putIfAbsent("stack.cluster.members", config.get(LauncherSettings.CLUSTER_MEMBERS));
    properties.putIfAbsent("stack.cluster.port", config.get(LauncherSettings.CLUSTER_PORT));
    properties.putIfAbsent("stack.cluster.interface.enabled", String.valueOf(!anyInterface));
    properties.putIfAbsent("stack.cluster.interface", anyInterface ? "127.0.0.1" : iface);
    properties.putIfAbsent("stack.cluster.heartbeat.timeout", config.get(LauncherSettings.CLUSTER_HEARTBEAT_TIMEOUT_S));
    try (InputStream xml = openClusterXml()) {
      return new XmlConfigBuilder(xml).setProperties(properties).build();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the Hazelcast cluster.xml", e);
    }
  }

  /** Event-bus options: host and public host when configured, else Hazelcast's advertised address. */
  static VertxOptions vertxOptions(StackConfig config) {
    EventBusOptions eventBus = new EventBusOptions().setPort(config.intValue(LauncherSettings.CLUSTER_BUS_PORT));
    String host = config.get(LauncherSettings.CLUSTER_HOST);
    if (!host.isBlank()) {
      eventBus.setHost(host);
    }
    String publicHost = config.get(LauncherSettings.CLUSTER_PUBLIC_HOST);
    if (!publicHost.isBlank()) {
      eventBus.setClusterPublicHost(publicHost);
    }
    return new VertxOptions().setEventBusOptions(eventBus);
  }

  private static InputStream openClusterXml() throws IOException {
    String file = System.getProperty(CONFIG_PROPERTY);
    if (file != null && !file.isBlank()) {
      return Files.newInputStream(Path.of(file));
    }
    InputStream xml = Clustering.class.getClassLoader().getResourceAsStream("cluster.xml");
    if (xml == null) {
      throw new IOException("cluster.xml is not on the classpath");
    }
    return xml;
  }
}
