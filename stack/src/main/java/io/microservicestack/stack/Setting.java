package io.microservicestack.stack;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every environment variable the stack reads, with its default and what it does. The README's config table
 * is this list; a setting can also be given as a JVM system property of the same name ({@code -DPG_URI=...}).
 */
public enum Setting {
  HTTP_HOST("0.0.0.0", "interface every HTTP server binds"),
  GATEWAY_HTTP_PORT("8100", "gateway HTTP port"),
  USER_HTTP_PORT("8101", "user service HTTP port"),
  SLACK_HTTP_PORT("8102", "slack service HTTP port"),
  USER_INSTANCES("1", "user service verticle instances (they share one PostgreSQL pool)"),
  GATEWAY_INSTANCES("1", "gateway verticle instances"),
  PG_URI("postgresql://postgres@127.0.0.1:5432/postgres", "PostgreSQL of the user service"),
  PG_SCHEMA("public", "schema of the users and outbox tables (created by the migrations)"),
  PG_POOL_SIZE("16", "PostgreSQL connections, shared by every user-service instance of the JVM"),
  REDIS_URI("redis://127.0.0.1:6379", "Redis of the slack service"),
  REDIS_POOL_SIZE("8", "Redis connections of the slack service"),
  AMQP_URI("amqp://guest:guest@127.0.0.1:5672", "RabbitMQ (AMQP 0-9-1) for events and the user queue"),
  EVENTS_EXCHANGE("stack.events", "durable topic exchange of the domain events"),
  USER_QUEUE("user", "queue of create-user commands read by the user-queue role"),
  RELAY_SWEEP_MS("1000", "how often the outbox relay looks for events left behind (ms)"),
  SLACK_WEBHOOK_URL("", "Slack incoming-webhook URL; empty: messages are stored, not posted"),
  USER_SERVICE_HOST("127.0.0.1", "where the gateway finds the user service"),
  USER_SERVICE_PORT("8101", "the user service port the gateway proxies to"),
  SLACK_SERVICE_HOST("127.0.0.1", "where the gateway finds the slack service"),
  SLACK_SERVICE_PORT("8102", "the slack service port the gateway proxies to"),
  PROXY_TIMEOUT_MS("5000", "gateway: an upstream slower than this is answered 504"),
  RPC_TIMEOUT_MS("3000", "gateway: an event-bus request slower than this is answered 504"),
  HEALTH_TIMEOUT_MS("2000", "gateway: each service's ping in /health times out after this"),
  LOG_LEVEL("INFO", "root log level (logback)");

  private final String defaultValue;
  private final String description;

  Setting(String defaultValue, String description) {
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /** The setting read from the environment variable {@code name}, if the stack reads one of that name. */
  public static Optional<Setting> named(String name) {
    return Arrays.stream(values()).filter(s -> s.name().equals(name)).findFirst();
  }
}
