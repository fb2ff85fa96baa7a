package io.microservicestack.gateway;

import io.microservicestack.common.Configs;
import io.vertx.core.json.JsonObject;

/**
 * The gateway's configuration, read once from the verticle's {@code config()}.
 *
 * <p>Keys (the launcher maps environment variables such as {@code GATEWAY_HTTP_PORT} or
 * {@code USER_SERVICE_HOST} to them) and defaults:
 * <pre>
 * httpHost "0.0.0.0"     httpPort 8100
 * userHost "127.0.0.1"   userPort 8101
 * slackHost "127.0.0.1"  slackPort 8102
 * proxyTimeoutMs 5000    rpcTimeoutMs 3000    healthTimeoutMs 2000
 * wsMaxBuffered 1000     wsPingIntervalMs 30000
 * webRoot (absent: the page bundled in the jar, classpath folder "webroot")
 * </pre>
 *
 * @param httpHost         the interface the gateway listens on
 * @param httpPort         the port the gateway listens on (0 picks a free one)
 * @param userHost         host of the user service's HTTP API
 * @param userPort         port of the user service's HTTP API
 * @param slackHost        host of the slack service's HTTP API
 * @param slackPort        port of the slack service's HTTP API
 * @param proxyTimeoutMs   an upstream that sends nothing for this long is answered 504
 * @param rpcTimeoutMs     an event-bus request without reply for this long is answered 504
 * @param healthTimeoutMs  the most each health ping may take
 * @param wsMaxBuffered    frames a websocket client may have queued before it is closed as too slow
 * @param wsPingIntervalMs how often every websocket gets a ping frame
 * @param webRoot          directory (absolute, or relative to the working directory) or classpath folder of the static UI
 */
public record GatewayConfig(String httpHost, int httpPort, String userHost, int userPort, String slackHost, int slackPort,
                            long proxyTimeoutMs, long rpcTimeoutMs, long healthTimeoutMs, int wsMaxBuffered,
                            long wsPingIntervalMs, String webRoot) {

  /** The classpath folder of the bundled page, served when {@code webRoot} is absent. */
  public static final String BUNDLED_WEB_ROOT = "webroot";

  public GatewayConfig {
    requirePort("httpPort", httpPort);
    requirePort("userPort", userPort);
    requirePort("slackPort", slackPort);
    requirePositive("proxyTimeoutMs", proxyTimeoutMs);
    requirePositive("rpcTimeoutMs", rpcTimeoutMs);
    requirePositive("healthTimeoutMs", healthTimeoutMs);
    requirePositive("wsMaxBuffered", wsMaxBuffered);
    requirePositive("wsPingIntervalMs", wsPingIntervalMs);
  }

  /** Reads the config object, with the documented defaults for absent keys. */
  public static GatewayConfig from(JsonObject json) {
    return new GatewayConfig(
      Configs.string(json, "httpHost", "0.0.0.0"),
      Configs.intValue(json, "httpPort", 8100),
      Configs.string(json, "userHost", "127.0.0.1"),
      Configs.intValue(json, "userPort", 8101),
      Configs.string(json, "slackHost", "127.0.0.1"),
      Configs.intValue(json, "slackPort", 8102),
      Configs.longValue(json, "proxyTimeoutMs", 5_000),
      Configs.longValue(json, "rpcTimeoutMs", 3_000),
      Configs.longValue(json, "healthTimeoutMs", 2_000),
      Configs.intValue(json, "wsMaxBuffered", 1_000),
      Configs.longValue(json, "wsPingIntervalMs", 30_000),
      Configs.string(json, "webRoot", BUNDLED_WEB_ROOT));
  }

  /**
   * How long a connection may send nothing before the server closes it: two websocket ping intervals (a live
   * client answers every ping with a pong) and never less than twice the proxy timeout.
   */
  public long readIdleTimeoutMs() {
    return Math.max(2 * wsPingIntervalMs, 2 * proxyTimeoutMs);
  }

  private static void requirePort(String key, int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("config " + key + " must be a port number, got " + port);
    }
  }

  private static void requirePositive(String key, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException("config " + key + " must be positive, got " + value);
    }
  }
}
