package io.microservicestack.stack;

import io.microservicestack.embedded.EmbeddedServers;

import java.nio.file.Path;

/**
 * Zero install: for each of PostgreSQL, Redis and AMQP whose address is not configured, a real server
 * started embedded in this JVM (module {@code embedded}), whose address then fills the setting.
 *
 * <p>The container image is built without the embedded servers ({@code -Pimage}); there every address must be
 * configured, and asking for an embedded one says so.
 */
final class LocalServers {

  private LocalServers() {
  }

  /** Whether any address is missing, so embedded servers must start. */
  static boolean needed(StackConfig config) {
    return !config.isSet(Setting.PG_URI) || !config.isSet(Setting.REDIS_URI) || !config.isSet(Setting.AMQP_URI);
  }

  /** Starts the missing servers; the returned handle stops them. */
  static EmbeddedServers start(StackConfig config) {
    try {
      String dataDir = config.get(Setting.PG_DATA_DIR);
      return EmbeddedServers.start(!config.isSet(Setting.PG_URI), !config.isSet(Setting.REDIS_URI),
        !config.isSet(Setting.AMQP_URI), dataDir.isEmpty() ? null : Path.of(dataDir));
    } catch (NoClassDefFoundError e) {
      throw new IllegalStateException("This build has no embedded servers: set PG_URI, REDIS_URI and AMQP_URI", e);
    }
  }
}
