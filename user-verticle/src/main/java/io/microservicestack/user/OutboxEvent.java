package io.microservicestack.user;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.util.UUID;

/**
 * An outbox row: an event written in the same statement as the change it describes, waiting to be published.
 *
 * @param outboxId   the row's id
 * @param eventId    the event's id (its AMQP {@code message-id}; consumers deduplicate by it)
 * @param routingKey where it goes on the events exchange, e.g. {@code user.created}
 * @param payload    the event JSON
 * @param traceparent the W3C trace context of the request that wrote it, or null
 */
public record OutboxEvent(long outboxId, UUID eventId, String routingKey, JsonObject payload, String traceparent) {

  static OutboxEvent of(Row row) {
    return new OutboxEvent(row.getLong("outbox_id"), row.getUUID("event_id"), row.getString("routing_key"),
      row.getJsonObject("payload"), row.getString("traceparent"));
  }
}
