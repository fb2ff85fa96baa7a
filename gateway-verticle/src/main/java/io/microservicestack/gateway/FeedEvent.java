package io.microservicestack.gateway;

import io.vertx.core.json.JsonObject;

/**
 * One created user as the feed sends it: its id, and its JSON text encoded once for every client.
 *
 * @param id   the user id
 * @param text the user JSON {@code {"id","name","email","createdAt"}}
 */
record FeedEvent(long id, String text) {

  /** The event for a user JSON object, or null when {@code body} is not a user with a numeric id. */
  static FeedEvent of(Object body) {
    if (body instanceof JsonObject user && user.getValue("id") instanceof Number id) {
      return new FeedEvent(id.longValue(), user.encode());
    }
    return null;
  }
}
