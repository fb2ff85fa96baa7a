package io.microservicestack.user;

import io.microservicestack.common.Configs;
import io.microservicestack.common.Topology;
import io.vertx.core.json.JsonObject;

/**
 * The user service's settings, read from its verticle config.
 *
 * @param httpHost          interface the HTTP server binds ({@code httpHost}, default {@code 0.0.0.0})
 * @param httpPort          HTTP port ({@code httpPort}, default 8101; 0 picks a free one)
 * @param pgUri             PostgreSQL URI ({@code pgUri})
 * @param pgSchema          schema holding the tables, created by the migrations ({@code pgSchema}, default {@code public})
 * @param poolSize          connections in the pool shared by every instance ({@code pgPoolSize}, default 16)
 * @param amqpUri           RabbitMQ URI for the outbox relay ({@code amqpUri})
 * @param eventsExchange    exchange events are published to ({@code eventsExchange})
 * @param relayEnabled      whether this verticle runs an outbox relay ({@code relayEnabled}, default true)
 * @param relaySweepMs      how often the relay sweeps the outbox for rows left behind ({@code relaySweepMs}, default 1000)
 * @param commandQueue      queue of create-user commands read by {@link UserQueueVerticle} ({@code commandQueue}, default {@code user})
 * @param prefetch          unacknowledged commands the queue consumer may hold ({@code prefetch}, default 64)
 */
public record UserConfig(String httpHost, int httpPort, String pgUri, String pgSchema, int poolSize,
                         String amqpUri, String eventsExchange, boolean relayEnabled, long relaySweepMs,
                         String commandQueue, int prefetch) {

  public static final int DEFAULT_PORT = 8101;
  public static final String DEFAULT_PG_URI = "postgresql://postgres@127.0.0.1:5432/postgres";
  public static final String DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672";

  public static UserConfig fromJson(JsonObject json) {
    return new UserConfig(
      Configs.string(json, "httpHost", "0.0.0.0"),
      Configs.intValue(json, "httpPort", DEFAULT_PORT),
      Configs.string(json, "pgUri", DEFAULT_PG_URI),
      Configs.string(json, "pgSchema", "public"),
      Configs.intValue(json, "pgPoolSize", 16),
      Configs.string(json, "amqpUri", DEFAULT_AMQP_URI),
      Configs.string(json, "eventsExchange", Topology.EVENTS_EXCHANGE),
      Configs.bool(json, "relayEnabled", true),
      Configs.longValue(json, "relaySweepMs", 1_000),
      Configs.string(json, "commandQueue", Topology.USER_COMMAND_QUEUE),
      Configs.intValue(json, "prefetch", 64));
  }
}
