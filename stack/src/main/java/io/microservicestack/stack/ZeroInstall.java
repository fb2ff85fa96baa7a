package io.microservicestack.stack;

import io.microservicestack.embedded.EmbeddedServers;
import io.microservicestack.user.UserConfig;
import io.microservicestack.common.CommonSettings;

import java.nio.file.Path;

/**
 * Zero install: for each of PostgreSQL, Redis and AMQP whose address is not configured, a real server
 * started embedded in this JVM (module {@code embedded}), whose address then fills the setting.
 *
 * <p>The container image is built without the embedded servers ({@code -Dimage}); there every address must be
 * configured, and asking for an embedded one says so.
 */
final class ZeroInstall {

  private ZeroInstall() {
  }

  /** Whether any address is missing, so embedded servers must start. */
  static boolean needed(StackConfig config) {
    return !config.isSet(UserConfig.PG_URI) || !config.isSet(CommonSettings.REDIS_URI) || !config.isSet(CommonSettings.AMQP_URI);
  }

  /** Starts the missing servers; the returned handle stops them. */
  static EmbeddedServers start(StackConfig config) {
    try {
      String dataDir = config.get(LauncherSettings.PG_DATA_DIR);
      return EmbeddedServers.start(!config.isSet(UserConfig.PG_URI), !config.isSet(CommonSettings.REDIS_URI),
        !config.isSet(CommonSettings.AMQP_URI), dataDir.isEmpty() ? null : Path.of(dataDir));
    } catch (NoClassDefFoundError e) {
      throw new IllegalStateException("This build has no embedded servers: set PG_URI, REDIS_URI and AMQP_URI", e);
    }
  }
}
