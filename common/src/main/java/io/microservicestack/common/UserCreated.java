package io.microservicestack.common;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.UUID;

/**
 * The {@code user.created} event, published to {@link Topology#EVENTS_EXCHANGE} with routing key
 * {@link Topology#USER_CREATED}:
 * <pre>{"id": "&lt;uuid&gt;", "type": "user.created", "occurredAt": "&lt;ISO-8601&gt;",
 *  "user": {"id": 1, "name": "...", "email": "...", "createdAt": "&lt;ISO-8601&gt;"}}</pre>
 * The event id is unique per event; consumers use it to process each event once.
 */
public record UserCreated(UUID id, Instant occurredAt, JsonObject user) {

  public static final String TYPE = Topology.USER_CREATED;

  public JsonObject toJson() {
    return new JsonObject()
      .put("id", id.toString())
      .put("type", TYPE)
      .put("occurredAt", occurredAt.toString())
      .put("user", user);
  }

  /**
   * Parses an event, failing with an {@link IllegalArgumentException} that says what is missing.
   */
  public static UserCreated fromJson(JsonObject json) {
    if (json == null) {
      throw new IllegalArgumentException("the event is not a JSON object");
    }
    String id = json.getValue("id") instanceof String s ? s : null;
    if (id == null) {
      throw new IllegalArgumentException("the event has no string id");
    }
    if (!TYPE.equals(json.getValue("type"))) {
      throw new IllegalArgumentException("the event type is not " + TYPE);
    }
    if (!(json.getValue("user") instanceof JsonObject user) || !(user.getValue("email") instanceof String)) {
      throw new IllegalArgumentException("the event has no user with a string email");
    }
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the event id is not a UUID");
    }
    Object occurred = json.getValue("occurredAt");
    Instant occurredAt;
    try {
      occurredAt = occurred instanceof String s ? Instant.parse(s) : Instant.EPOCH;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the event occurredAt is not an ISO-8601 instant");
    }
    return new UserCreated(uuid, occurredAt, user);
  }
}
