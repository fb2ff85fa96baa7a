package io.microservicestack.slack;

import io.microservicestack.common.FieldErrors;
import io.microservicestack.common.Params;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * A message of a channel, as stored in Redis and answered over HTTP and the event bus:
 * <pre>{"id": "&lt;uuid&gt;", "channel": "#user", "message": "User a@b.c created", "createdAt": "&lt;ISO-8601&gt;"}</pre>
 *
 * <p>A message posted over HTTP gets a random id; one written for an event takes the event's id. Entries
 * written by the original service (plain text, not JSON) are read back with only {@code channel} and
 * {@code message}.
 *
 * @param id        unique id, {@code null} for a legacy entry
 * @param channel   the channel, e.g. {@code #user}
 * @param message   the text
 * @param createdAt when the service stored it, {@code null} for a legacy entry
 */
public record SlackMessage(String id, String channel, String message, Instant createdAt) {

  /** Longest channel name accepted. */
  public static final int MAX_CHANNEL_LENGTH = 80;
  /** Longest message text accepted. */
  public static final int MAX_MESSAGE_LENGTH = 4_000;

  /** A new message with a random id, created now. */
  public static SlackMessage create(String channel, String message) {
    return new SlackMessage(UUID.randomUUID().toString(), channel, message, Instant.now());
  }

  /**
   * Validates a {@code POST /} body {@code {"channel", "message"}} and returns the new message.
   *
   * @throws io.microservicestack.common.ProblemException 400 naming every invalid field
   */
  public static SlackMessage fromRequest(JsonObject body) {
    FieldErrors errors = new FieldErrors();
    String channel = Params.text("channel", body.getValue("channel"), MAX_CHANNEL_LENGTH, errors);
    String message = Params.multiline("message", body.getValue("message"), MAX_MESSAGE_LENGTH, errors);
    errors.throwIfAny();
    return create(channel, message);
  }

  /** Reads a stored list entry of {@code channel}: this record's JSON, or the plain text of a legacy entry. */
  public static SlackMessage fromStored(String raw, String channel) {
    try {
      if (Json.decodeValue(raw) instanceof JsonObject json && json.getValue("message") instanceof String text) {
        return new SlackMessage(json.getString("id"), json.getString("channel", channel), text, instant(json.getValue("createdAt")));
      }
    } catch (DecodeException | ClassCastException e) {
      // not JSON: a plain-text entry of the original service
    }
    return new SlackMessage(null, channel, raw, null);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (id != null) {
      json.put("id", id);
    }
    json.put("channel", channel).put("message", message);
    if (createdAt != null) {
      json.put("createdAt", createdAt.toString());
    }
    return json;
  }

  private static Instant instant(Object value) {
    try {
      return value instanceof String s ? Instant.parse(s) : null;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
