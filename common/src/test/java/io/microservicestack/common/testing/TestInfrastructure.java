package io.microservicestack.common.testing;

import io.microservicestack.embedded.EmbeddedServers;

import java.util.UUID;

/**
 * Where the tests find the real servers: {@code PG_URI}, {@code REDIS_URI} and {@code AMQP_URI} from the
 * environment (as {@code .ci/run} sets them); for each one that is not set, a server embedded in the test JVM,
 * started once on first use and stopped when the JVM exits. So the suite runs against installed servers, or
 * on a machine with nothing but a JDK and Maven.
 */
public final class TestInfrastructure {

  private TestInfrastructure() {
  }

  public static String pgUri() {
    return configured("PG_URI") != null ? configured("PG_URI") : Embedded.SERVERS.pgUri();
  }

  public static String redisUri() {
    return configured("REDIS_URI") != null ? configured("REDIS_URI") : Embedded.SERVERS.redisUri();
  }

  public static String amqpUri() {
    return configured("AMQP_URI") != null ? configured("AMQP_URI") : Embedded.SERVERS.amqpUri();
  }

  /** The host of a server URI such as {@code amqp://guest:guest@127.0.0.1:5672}. */
  public static String host(String uri) {
    return java.net.URI.create(uri).getHost();
  }

  /** The port of a server URI, or {@code defaultPort} when it names none. */
  public static int port(String uri, int defaultPort) {
    int port = java.net.URI.create(uri).getPort();
    return port == -1 ? defaultPort : port;
  }

  /** A name no other test uses, for a schema, a queue, an exchange or a Redis key prefix. */
  public static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  private static String configured(String name) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? null : value;
  }

  /** The embedded servers, started on first use (class initialisation is lazy and thread-safe). */
  private static final class Embedded {
    static final EmbeddedServers SERVERS = start();

    private static EmbeddedServers start() {
      EmbeddedServers servers = EmbeddedServers.start(
        configured("PG_URI") == null, configured("REDIS_URI") == null, configured("AMQP_URI") == null, null);
      Runtime.getRuntime().addShutdownHook(new Thread(servers::close, "embedded-servers-stop"));
      return servers;
    }
  }
}
