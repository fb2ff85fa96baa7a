package io.microservicestack.common;

/**
 * Settings that several services read under the same key and environment variable: one definition, listed in
 * each service's {@code SETTINGS}.
 */
public final class CommonSettings {

  /** Interface every HTTP server binds. */
  public static final Setting HTTP_HOST = Setting.of("httpHost", "HTTP_HOST", "0.0.0.0", "interface every HTTP server binds");
  /** RabbitMQ, for the outbox relay, the consumers and the user queue. */
  public static final Setting AMQP_URI = Setting.of("amqpUri", "AMQP_URI", "amqp://guest:guest@127.0.0.1:5672",
    "RabbitMQ (AMQP 0-9-1) for events and the user queue; the launcher starts an embedded broker when it is not set");
  /** Redis: the slack service's store, and the gateway's rate-limit counters (shared by every gateway). */
  public static final Setting REDIS_URI = Setting.of("redisUri", "REDIS_URI", "redis://127.0.0.1:6379",
    "Redis: the slack service's store and the gateway's rate-limit counters (shared by every gateway); the launcher starts an embedded one when it is not set");
  /** Pause between two reconnect attempts of every RabbitMQ client. */
  public static final Setting AMQP_RECONNECT_MS = Setting.of("amqpReconnectMs", "AMQP_RECONNECT_MS", 1_000,
    "pause between RabbitMQ reconnect attempts (ms); every client reconnects forever");
  /** The durable topic exchange of domain events. */
  public static final Setting EVENTS_EXCHANGE = Setting.of("eventsExchange", "EVENTS_EXCHANGE", Topology.EVENTS_EXCHANGE,
    "durable topic exchange of the domain events");

  private CommonSettings() {
  }
}
