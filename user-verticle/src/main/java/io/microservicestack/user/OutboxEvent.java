package io.microservicestack.user;

import io.vertx.sqlclient.Row;

import java.util.UUID;

/**
 * An outbox row: an event written in the same statement as the change it describes, waiting to be published.
 *
 * @param outboxId   the row's id
 * @param eventId    the event's id (its AMQP {@code message-id}; consumers deduplicate by it)
 * @param routingKey where it goes on the events exchange, e.g. {@code user.created}
 * @param payload    the event JSON, as PostgreSQL wrote it (published as it is: never decoded in the JVM)
 * @param traceparent the W3C trace context of the request that wrote it, or null
 */
public record OutboxEvent(long outboxId, UUID eventId, String routingKey, String payload, String traceparent) {

  static OutboxEvent of(Row row) {
    return new OutboxEvent(row.getLong("outbox_id"), row.getUUID("event_id"), row.getString("routing_key"),
      row.getString("payload"), row.getString("traceparent"));
  }
}
