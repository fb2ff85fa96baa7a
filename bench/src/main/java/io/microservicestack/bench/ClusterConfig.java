package io.microservicestack.bench;

import com.hazelcast.config.Config;
import com.hazelcast.config.XmlConfigBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The Hazelcast config a bench node joins with: the stack's own {@code cluster.xml} (run.sh extracts it from
 * {@code stack.jar}), with its {@code ${stack.cluster.*}} placeholders filled as the stack's launcher fills them.
 */
public final class ClusterConfig {

  private ClusterConfig() {
  }

  /**
   * @param clusterXml the stack's cluster.xml
   * @param name       CLUSTER_NAME of the stack JVMs to join
   * @param port       CLUSTER_PORT (the next 19 are tried when taken)
   */
  public static Config load(Path clusterXml, String name, int port) {
    Properties properties = new Properties();
    properties.setProperty("stack.cluster.name", name);
    properties.setProperty("stack.cluster.members", "127.0.0.1");
    properties.setProperty("stack.cluster.port", String.valueOf(port));
    properties.setProperty("stack.cluster.interface.enabled", "true");
    properties.setProperty("stack.cluster.interface", "127.0.0.1");
    properties.setProperty("stack.cluster.heartbeat.timeout", "5");
    try (InputStream xml = Files.newInputStream(clusterXml)) {
      return new XmlConfigBuilder(xml).setProperties(properties).build();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + clusterXml, e);
    }
  }
}
