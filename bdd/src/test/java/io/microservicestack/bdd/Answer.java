package io.microservicestack.bdd;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One HTTP answer as a client sees it.
 *
 * @param status      the status code
 * @param contentType the {@code Content-Type} header, or null
 * @param location    the {@code Location} header, or null
 * @param body        the body as text (empty when there is none)
 */
public record Answer(int status, String contentType, String location, String body) {

  /** The body as a JSON object; fails the step with the body when it is not one. */
  public JsonObject json() {
    try {
      return new JsonObject(body);
    } catch (RuntimeException e) {
      throw new AssertionError("Expected a JSON object, got HTTP " + status + ": " + body, e);
    }
  }

  /** The {@code items} of a page ({@code GET /messages}, {@code GET /users}). */
  public JsonArray items() {
    JsonArray items = json().getJsonArray("items");
    if (items == null) {
      throw new AssertionError("Expected a page with items, got HTTP " + status + ": " + body);
    }
    return items;
  }

  @Override
  public String toString() {
    return "HTTP " + status + " " + body;
  }
}
