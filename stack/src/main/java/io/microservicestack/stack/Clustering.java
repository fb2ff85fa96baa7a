package io.microservicestack.stack;

import com.hazelcast.config.Config;
import io.microservicestack.common.Setting;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import com.hazelcast.config.XmlConfigBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/**
 * The clustered event bus: a Hazelcast cluster manager built from {@code cluster.xml} (in the jar, or the file
 * named by {@code -Dvertx.hazelcast.config}), whose {@code ${stack.cluster.*}} placeholders come from the
 * {@code CLUSTER_*} settings. With {@code CLUSTER_DISCOVERY=kubernetes} the TCP-IP join of that file is replaced by
 * Hazelcast's own Kubernetes discovery: DNS lookups of a headless Service, or the Kubernetes API.
 */
final class Clustering {

  static final String CONFIG_PROPERTY = "vertx.hazelcast.config";
  private static final String WAIT_BEFORE_JOIN = "hazelcast.wait.seconds.before.join";
  /** How long a starting pod looks for others before it starts a cluster alone (Hazelcast's default). */
  private static final String KUBERNETES_WAIT_BEFORE_JOIN_SECONDS = "5";

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
    Config hazelcast;
    try (InputStream xml = openClusterXml()) {
      hazelcast = new XmlConfigBuilder(xml).setProperties(properties).build();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the Hazelcast cluster.xml", e);
    }
    return withDiscovery(hazelcast, config);
  }

  /**
   * The join of {@code CLUSTER_DISCOVERY}: {@code tcp} keeps the file's, {@code kubernetes} switches every other
   * join off and turns on Hazelcast's Kubernetes discovery in the mode of {@code CLUSTER_K8S_MODE}.
   */
  static Config withDiscovery(Config hazelcast, StackConfig config) {
    String discovery = config.get(LauncherSettings.CLUSTER_DISCOVERY).toLowerCase(Locale.ROOT);
    if ("tcp".equals(discovery)) {
      return hazelcast;
    }
    if (!"kubernetes".equals(discovery)) {
      throw new IllegalArgumentException("CLUSTER_DISCOVERY must be tcp or kubernetes, got '" + discovery + "'");
    }
    JoinConfig join = hazelcast.getNetworkConfig().getJoin();
    join.getTcpIpConfig().setEnabled(false);
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    KubernetesConfig kubernetes = join.getKubernetesConfig().setEnabled(true);
    String mode = config.get(LauncherSettings.CLUSTER_K8S_MODE).toLowerCase(Locale.ROOT);
    switch (mode) {
      case "dns" -> {
        kubernetes.setProperty("service-dns", required(config, LauncherSettings.CLUSTER_K8S_SERVICE_DNS, mode));
        // A DNS record names a pod, not a port: every member must listen on CLUSTER_PORT itself.
        kubernetes.setProperty("service-port", String.valueOf(hazelcast.getNetworkConfig().getPort()));
      }
      case "api" -> {
        kubernetes.setProperty("service-name", required(config, LauncherSettings.CLUSTER_K8S_SERVICE_NAME, mode));
        // Members find each other before any of them is ready.
        kubernetes.setProperty("resolve-not-ready-addresses", "true");
        String namespace = config.get(LauncherSettings.CLUSTER_K8S_NAMESPACE);
        if (!namespace.isBlank()) {
          kubernetes.setProperty("namespace", namespace);
        }
      }
      default -> throw new IllegalArgumentException("CLUSTER_K8S_MODE must be dns or api, got '" + mode + "'");
    }
    // A member that moved to the next port would never be found: fail instead.
    hazelcast.getNetworkConfig().setPortAutoIncrement(false);
    // Discovery is only asked while this wait lasts: with cluster.xml's 0 every pod would start a cluster of its own.
    hazelcast.setProperty(WAIT_BEFORE_JOIN, KUBERNETES_WAIT_BEFORE_JOIN_SECONDS);
    return hazelcast;
  }

  private static String required(StackConfig config, Setting setting, String mode) {
    String value = config.get(setting);
    if (value.isBlank()) {
      throw new IllegalArgumentException(setting.name() + " must be set for CLUSTER_DISCOVERY=kubernetes in "
        + mode + " mode");
    }
    return value;
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
