package io.microservicestack.gateway;

import io.microservicestack.common.FeedPosition;
import io.microservicestack.common.ProblemException;
import io.vertx.core.json.JsonObject;

/**
 * One created user as the feed sends it: its id, its place in the feed, and its JSON text encoded once for every
 * client.
 *
 * @param id       the user id
 * @param position its feed position, or null for a user read by id ({@code users.list}, the legacy {@code since})
 * @param text     the frame: {@code {"id","name","email","createdAt","position"}}
 */
record FeedEvent(long id, FeedPosition position, String text) {

  /** The event for a user JSON object, or null when {@code body} is not a user with a numeric id. */
  static FeedEvent of(Object body) {
    if (!(body instanceof JsonObject user) || !(user.getValue("id") instanceof Number id)) {
      return null;
    }
    FeedPosition position = null;
    if (user.getValue("position") instanceof String text) {
      try {
        position = FeedPosition.parse("position", text);
      } catch (ProblemException e) {
        return null;
      }
    }
    return new FeedEvent(id.longValue(), position, user.encode());
  }

  /** Whether this event comes after {@code other} in the feed (everything comes after null). */
  boolean isAfter(FeedPosition other) {
    return other == null || (position != null && position.isAfter(other));
  }
}
