package io.microservicestack.gateway;

import io.microservicestack.common.CommonSettings;
import io.microservicestack.common.ServicePorts;
import io.microservicestack.common.Setting;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.stream.Stream;

/**
 * The gateway's settings, read once from the verticle's {@code config()}; {@link #SETTINGS} lists every key with
 * its environment variable, default and meaning.
 *
 * @param httpHost         the interface the gateway listens on, or null when not configured (see {@link #bindHost()})
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
 * @param feedPollMs       how often the feed reads new users even without an announcement
 * @param webRoot          directory (absolute, or relative to the working directory) or classpath folder of the page
 * @param wsMaxPerClient   websockets one client address may hold open at once; 0: no limit
 * @param bridgePort       port of the TCP event-bus bridge ({@link EventBusBridge}); 0 picks a free one, -1 (unset): no bridge
 * @param bridgeMaxFrameBytes the longest frame a bridge client may send; a longer one closes its connection
 * @param auth             who may call: the identity settings
 * @param limits           how often, and the upstreams' circuit breakers
 */
public record GatewayConfig(String httpHost, int httpPort, String userHost, int userPort, String slackHost, int slackPort,
                            long proxyTimeoutMs, long rpcTimeoutMs, long healthTimeoutMs, int wsMaxBuffered,
                            long wsPingIntervalMs, long feedPollMs, String webRoot, int wsMaxPerClient, int bridgePort,
                            int bridgeMaxFrameBytes, AuthConfig auth, EdgeLimits limits) {

  /** The classpath folder of the bundled page, served when {@code webRoot} is absent. */
  public static final String BUNDLED_WEB_ROOT = "webroot";

  /** The shared {@code HTTP_HOST}, without a default: the gateway's depends on {@code AUTH_MODE} ({@link #bindHost()}). */
  public static final Setting HTTP_HOST = CommonSettings.HTTP_HOST.env(CommonSettings.HTTP_HOST.env(), "",
    "interface the gateway binds; unset: 127.0.0.1 with AUTH_MODE=off, 0.0.0.0 with AUTH_MODE=jwt");
  public static final Setting HTTP_PORT = Setting.of("httpPort", "GATEWAY_HTTP_PORT", ServicePorts.GATEWAY, "gateway HTTP port (0 picks a free one)");
  public static final Setting USER_HOST = Setting.of("userHost", "USER_SERVICE_HOST", "127.0.0.1", "where the gateway finds the user service");
  public static final Setting USER_PORT = Setting.of("userPort", "USER_SERVICE_PORT", ServicePorts.USER,
    "the user service port the gateway proxies to; in one JVM with the user role: USER_HTTP_PORT");
  public static final Setting SLACK_HOST = Setting.of("slackHost", "SLACK_SERVICE_HOST", "127.0.0.1", "where the gateway finds the slack service");
  public static final Setting SLACK_PORT = Setting.of("slackPort", "SLACK_SERVICE_PORT", ServicePorts.SLACK,
    "the slack service port the gateway proxies to; in one JVM with the slack role: SLACK_HTTP_PORT");
  public static final Setting PROXY_TIMEOUT_MS = Setting.of("proxyTimeoutMs", "PROXY_TIMEOUT_MS", 5_000,
    "an upstream that sends nothing for this long is answered 504 (also the connect timeout)");
  public static final Setting RPC_TIMEOUT_MS = Setting.of("rpcTimeoutMs", "RPC_TIMEOUT_MS", 3_000,
    "an event-bus request (RPC routes, feed history) without a reply for this long is answered 504");
  public static final Setting HEALTH_TIMEOUT_MS = Setting.of("healthTimeoutMs", "HEALTH_TIMEOUT_MS", 2_000,
    "the most each ping of the gateway's /health may take (ms)");
  public static final Setting WS_MAX_BUFFERED = Setting.of("wsMaxBuffered", "WS_MAX_BUFFERED", 1_000,
    "frames a websocket client may have queued before it is closed (1008)");
  public static final Setting WS_PING_INTERVAL_MS = Setting.of("wsPingIntervalMs", "WS_PING_INTERVAL_MS", 30_000,
    "how often every websocket gets a ping (ms)");
  public static final Setting FEED_POLL_MS = Setting.of("feedPollMs", "FEED_POLL_MS", 1_000,
    "how often the live feed reads new users even without an announcement (ms): the most a lost announcement delays a user");
  public static final Setting WEB_ROOT = Setting.of("webRoot", "WEB_ROOT", BUNDLED_WEB_ROOT,
    "directory (absolute or relative to the working directory) or classpath folder served at /");
  public static final Setting WS_MAX_PER_CLIENT = Setting.of("wsMaxPerClient", "WS_MAX_PER_CLIENT", 0,
    "websockets one client address may hold open at once, over every gateway instance of the JVM (more are answered 429); "
      + "0: no limit. Behind a reverse proxy every client has the proxy's address");
  public static final Setting BRIDGE_PORT = Setting.of("bridgePort", "BRIDGE_PORT", null,
    "port of the TCP event-bus bridge for clients in other languages (docs/polyglot.md); unset: no bridge; 0 picks a free one");
  public static final Setting BRIDGE_MAX_FRAME_BYTES = Setting.of("bridgeMaxFrameBytes", "BRIDGE_MAX_FRAME_BYTES", 65_536,
    "the longest frame (JSON bytes after the length prefix) a bridge client may send; a longer one is answered with an "
      + "err frame frame_too_large and the connection is closed");

  /** {@link #bridgePort()} when the bridge is off. */
  public static final int BRIDGE_OFF = -1;

  /** Every setting, in the order of the docs. */
  public static final List<Setting> SETTINGS = Stream.of(List.of(HTTP_HOST, HTTP_PORT, USER_HOST, USER_PORT, SLACK_HOST,
      SLACK_PORT, PROXY_TIMEOUT_MS, RPC_TIMEOUT_MS, HEALTH_TIMEOUT_MS, WS_MAX_BUFFERED, WS_PING_INTERVAL_MS, FEED_POLL_MS, WEB_ROOT,
      WS_MAX_PER_CLIENT, BRIDGE_PORT, BRIDGE_MAX_FRAME_BYTES),
    AuthConfig.SETTINGS, EdgeLimits.SETTINGS).flatMap(List::stream).toList();

  public GatewayConfig {
    HTTP_PORT.requireRange(httpPort, 0, 65_535);
    USER_PORT.requireRange(userPort, 1, 65_535);
    SLACK_PORT.requireRange(slackPort, 1, 65_535);
    PROXY_TIMEOUT_MS.requireRange(proxyTimeoutMs, 1, Integer.MAX_VALUE);
    RPC_TIMEOUT_MS.requireRange(rpcTimeoutMs, 1, Long.MAX_VALUE);
    HEALTH_TIMEOUT_MS.requireRange(healthTimeoutMs, 1, Integer.MAX_VALUE);
    WS_MAX_BUFFERED.requireRange(wsMaxBuffered, 1, Integer.MAX_VALUE);
    WS_PING_INTERVAL_MS.requireRange(wsPingIntervalMs, 1, Long.MAX_VALUE);
    FEED_POLL_MS.requireRange(feedPollMs, 1, Long.MAX_VALUE);
    WS_MAX_PER_CLIENT.requireRange(wsMaxPerClient, 0, Integer.MAX_VALUE);
    if (bridgePort != BRIDGE_OFF) {
      BRIDGE_PORT.requireRange(bridgePort, 0, 65_535);
    }
    BRIDGE_MAX_FRAME_BYTES.requireRange(bridgeMaxFrameBytes, 1, Integer.MAX_VALUE);
  }

  /** Reads the config object, with the defaults for absent keys; a bad value fails naming its setting. */
  public static GatewayConfig fromJson(JsonObject json) {
    return new GatewayConfig(
      HTTP_HOST.string(json),
      HTTP_PORT.intValue(json),
      USER_HOST.string(json),
      USER_PORT.intValue(json),
      SLACK_HOST.string(json),
      SLACK_PORT.intValue(json),
      PROXY_TIMEOUT_MS.longValue(json),
      RPC_TIMEOUT_MS.longValue(json),
      HEALTH_TIMEOUT_MS.longValue(json),
      WS_MAX_BUFFERED.intValue(json),
      WS_PING_INTERVAL_MS.longValue(json),
      FEED_POLL_MS.longValue(json),
      WEB_ROOT.string(json),
      WS_MAX_PER_CLIENT.intValue(json),
      BRIDGE_PORT.string(json) == null ? BRIDGE_OFF : BRIDGE_PORT.intValue(json),
      BRIDGE_MAX_FRAME_BYTES.intValue(json),
      AuthConfig.fromJson(json),
      EdgeLimits.fromJson(json));
  }

  /** The config object this record reads back to itself. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (httpHost != null) {
      json.put(HTTP_HOST.key(), httpHost);
    }
    json
      .put(HTTP_PORT.key(), httpPort)
      .put(USER_HOST.key(), userHost)
      .put(USER_PORT.key(), userPort)
      .put(SLACK_HOST.key(), slackHost)
      .put(SLACK_PORT.key(), slackPort)
      .put(PROXY_TIMEOUT_MS.key(), proxyTimeoutMs)
      .put(RPC_TIMEOUT_MS.key(), rpcTimeoutMs)
      .put(HEALTH_TIMEOUT_MS.key(), healthTimeoutMs)
      .put(WS_MAX_BUFFERED.key(), wsMaxBuffered)
      .put(WS_PING_INTERVAL_MS.key(), wsPingIntervalMs)
      .put(FEED_POLL_MS.key(), feedPollMs)
      .put(WEB_ROOT.key(), webRoot)
      .put(WS_MAX_PER_CLIENT.key(), wsMaxPerClient)
      .put(BRIDGE_PORT.key(), bridgePort == BRIDGE_OFF ? null : bridgePort)
      .put(BRIDGE_MAX_FRAME_BYTES.key(), bridgeMaxFrameBytes);
    return limits.addTo(auth.addTo(json));
  }

  /**
   * The interface to bind: {@code HTTP_HOST} when it is set; otherwise 127.0.0.1 while the API is open
   * ({@code AUTH_MODE=off}: only this machine can call it) and every interface with {@code AUTH_MODE=jwt}.
   */
  public String bindHost() {
    if (httpHost != null) {
      return httpHost;
    }
    return auth.enabled() ? "0.0.0.0" : "127.0.0.1";
  }

  /**
   * How long a connection may send nothing before the server closes it: two websocket ping intervals (a live
   * client answers every ping with a pong) and never less than twice the proxy timeout.
   */
  public long readIdleTimeoutMs() {
    return Math.max(2 * wsPingIntervalMs, 2 * proxyTimeoutMs);
  }
}
