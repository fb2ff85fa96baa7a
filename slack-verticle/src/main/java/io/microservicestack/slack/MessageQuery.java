package io.microservicestack.slack;

import io.microservicestack.common.FieldErrors;
import io.microservicestack.common.Params;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A page of a channel's messages, newest first: {@code limit} items after skipping {@code offset}.
 *
 * <p>{@code limit} defaults to {@value #DEFAULT_LIMIT} and must be 1..{@value #MAX_LIMIT} (a larger one is
 * rejected with 400, not clamped, so a client never silently gets less than it asked for);
 * {@code offset} defaults to 0 and must not be negative.
 *
 * @param channel the channel
 * @param limit   how many messages at most
 * @param offset  how many of the newest messages to skip
 */
public record MessageQuery(String channel, int limit, int offset) {

  public static final int DEFAULT_LIMIT = 10;
  public static final int MAX_LIMIT = 100;

  /**
   * Validates the parameters (strings from a query string, or JSON values from an RPC body) by the rules of
   * {@link Params}.
   *
   * @throws io.microservicestack.common.ProblemException 400 naming every invalid parameter
   */
  public static MessageQuery of(Object channel, Object limit, Object offset) {
    FieldErrors errors = new FieldErrors();
    String name = Params.text("channel", channel, SlackMessage.MAX_CHANNEL_LENGTH, errors);
    Long size = Params.integer("limit", limit, (long) DEFAULT_LIMIT, 1, MAX_LIMIT, errors);
    Long skip = Params.integer("offset", offset, 0L, 0, Integer.MAX_VALUE, errors);
    errors.throwIfAny();
    return new MessageQuery(name, size.intValue(), skip.intValue());
  }

  /** Validates an RPC body {@code {"channel", "limit"?, "offset"?}}. */
  public static MessageQuery fromJson(JsonObject body) {
    JsonObject json = body == null ? new JsonObject() : body;
    return of(json.getValue("channel"), json.getValue("limit"), json.getValue("offset"));
  }

  /** The answer for these messages: {@code {"channel", "items": [message...], "limit", "offset"}}. */
  public JsonObject page(List<SlackMessage> items) {
    return new JsonObject()
      .put("channel", channel)
      .put("items", items.stream().map(SlackMessage::toJson).toList())
      .put("limit", limit)
      .put("offset", offset);
  }
}
