package io.microservicestack.common.testing;

import java.util.UUID;

/**
 * Where the tests find the real servers: {@code PG_URI}, {@code REDIS_URI} and {@code AMQP_URI} from the
 * environment, else the machine's local ones.
 */
public final class TestServers {

  private TestServers() {
  }

  public static String pgUri() {
    return env("PG_URI", "postgresql://postgres@127.0.0.1:5432/postgres");
  }

  public static String redisUri() {
    return env("REDIS_URI", "redis://127.0.0.1:6379");
  }

  public static String amqpUri() {
    return env("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672");
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

  private static String env(String name, String defaultValue) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? defaultValue : value;
  }
}
