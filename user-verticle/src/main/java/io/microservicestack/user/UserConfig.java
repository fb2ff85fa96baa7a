package io.microservicestack.user;

import io.microservicestack.common.CommonSettings;
import io.microservicestack.common.ServicePorts;
import io.microservicestack.common.Setting;
import io.microservicestack.common.Topology;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The settings of the user service and of the user-queue consumer, read from the verticle's {@code config()};
 * {@link #SETTINGS} lists every key with its environment variable, default and meaning.
 */
public record UserConfig(String httpHost, int httpPort, int queueHttpPort, String pgUri, String pgSchema, int poolSize,
                         String amqpUri, long amqpReconnectMs, String eventsExchange, boolean relayEnabled,
                         long relaySweepMs, String commandQueue, int prefetch) {

  public static final Setting HTTP_PORT = Setting.of("httpPort", "USER_HTTP_PORT", ServicePorts.USER, "user service HTTP port (0 picks a free one)");
  public static final Setting QUEUE_HTTP_PORT = Setting.of("queueHttpPort", "USER_QUEUE_HTTP_PORT", ServicePorts.USER_QUEUE,
    "user-queue role HTTP port, for /ping and the health endpoints (0 picks a free one)");
  public static final Setting PG_URI = Setting.of("pgUri", "PG_URI", "postgresql://postgres@127.0.0.1:5432/postgres",
    "PostgreSQL of the user service; the launcher starts an embedded one when it is not set");
  public static final Setting PG_SCHEMA = Setting.of("pgSchema", "PG_SCHEMA", "public", "schema of the users and outbox tables (created by the migrations)");
  public static final Setting PG_POOL_SIZE = Setting.of("pgPoolSize", "PG_POOL_SIZE", 16,
    "PostgreSQL connections, shared by every user-service instance of the JVM");
  public static final Setting RELAY_ENABLED = Setting.of("relayEnabled", null, true, "whether this verticle runs an outbox relay");
  public static final Setting RELAY_SWEEP_MS = Setting.of("relaySweepMs", "RELAY_SWEEP_MS", 1_000,
    "how often the outbox relay looks for events left behind (ms)");
  public static final Setting COMMAND_QUEUE = Setting.of("commandQueue", "USER_QUEUE", Topology.USER_COMMAND_QUEUE,
    "queue of create-user commands read by the user-queue role");
  public static final Setting PREFETCH = Setting.of("prefetch", "USER_QUEUE_PREFETCH", 64,
    "unacknowledged create-user commands the user-queue consumer may hold");

  /** Every setting, in the order of the docs. */
  public static final List<Setting> SETTINGS = List.of(CommonSettings.HTTP_HOST, HTTP_PORT, QUEUE_HTTP_PORT, PG_URI, PG_SCHEMA, PG_POOL_SIZE,
    CommonSettings.AMQP_URI, CommonSettings.AMQP_RECONNECT_MS, CommonSettings.EVENTS_EXCHANGE, RELAY_ENABLED,
    RELAY_SWEEP_MS, COMMAND_QUEUE, PREFETCH);

  public UserConfig {
    HTTP_PORT.requireRange(httpPort, 0, 65_535);
    QUEUE_HTTP_PORT.requireRange(queueHttpPort, 0, 65_535);
    PG_POOL_SIZE.requireRange(poolSize, 1, 1_000);
    CommonSettings.AMQP_RECONNECT_MS.requireRange(amqpReconnectMs, 1, Long.MAX_VALUE);
    RELAY_SWEEP_MS.requireRange(relaySweepMs, 1, Long.MAX_VALUE);
    PREFETCH.requireRange(prefetch, 1, 65_535);
  }

  /** Reads the config object, with the defaults for absent keys; a bad value fails naming its setting. */
  public static UserConfig fromJson(JsonObject json) {
    return new UserConfig(
      CommonSettings.HTTP_HOST.string(json),
      HTTP_PORT.intValue(json),
      QUEUE_HTTP_PORT.intValue(json),
      PG_URI.string(json),
      PG_SCHEMA.string(json),
      PG_POOL_SIZE.intValue(json),
      CommonSettings.AMQP_URI.string(json),
      CommonSettings.AMQP_RECONNECT_MS.longValue(json),
      CommonSettings.EVENTS_EXCHANGE.string(json),
      RELAY_ENABLED.bool(json),
      RELAY_SWEEP_MS.longValue(json),
      COMMAND_QUEUE.string(json),
      PREFETCH.intValue(json));
  }

  /** The config object this record reads back to itself. */
  public JsonObject toJson() {
    return new JsonObject()
      .put(CommonSettings.HTTP_HOST.key(), httpHost)
      .put(HTTP_PORT.key(), httpPort)
      .put(QUEUE_HTTP_PORT.key(), queueHttpPort)
      .put(PG_URI.key(), pgUri)
      .put(PG_SCHEMA.key(), pgSchema)
      .put(PG_POOL_SIZE.key(), poolSize)
      .put(CommonSettings.AMQP_URI.key(), amqpUri)
      .put(CommonSettings.AMQP_RECONNECT_MS.key(), amqpReconnectMs)
      .put(CommonSettings.EVENTS_EXCHANGE.key(), eventsExchange)
      .put(RELAY_ENABLED.key(), relayEnabled)
      .put(RELAY_SWEEP_MS.key(), relaySweepMs)
      .put(COMMAND_QUEUE.key(), commandQueue)
      .put(PREFETCH.key(), prefetch);
  }
}
