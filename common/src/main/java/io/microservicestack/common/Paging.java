package io.microservicestack.common;

import io.vertx.core.json.JsonObject;

/**
 * A page request over users in id order (the {@code users.list} contract and {@code GET /users}): those with an
 * id greater than {@code after}, at most {@code limit}.
 *
 * @param after the cursor: the last id already seen (0 for the start)
 * @param limit 1-{@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}
 */
public record Paging(long after, int limit) {

  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;

  /**
   * Parses the cursor and limit by the rules of {@link Params}: each absent, a JSON integer or decimal digits.
   *
   * @throws ProblemException a 400 validation problem naming every bad parameter
   */
  public static Paging parse(Object after, Object limit) {
    FieldErrors errors = new FieldErrors();
    Long cursor = Params.integer("after", after, 0L, 0, Long.MAX_VALUE, errors);
    Long size = Params.integer("limit", limit, (long) DEFAULT_LIMIT, 1, MAX_LIMIT, errors);
    errors.throwIfAny();
    return new Paging(cursor, size.intValue());
  }

  /** Parses the {@code users.list} request body {@code {"after"?, "limit"?}}. */
  public static Paging fromJson(JsonObject body) {
    JsonObject json = body == null ? new JsonObject() : body;
    return parse(json.getValue("after"), json.getValue("limit"));
  }

  /** The {@code users.list} request body. */
  public JsonObject toJson() {
    return new JsonObject().put("after", after).put("limit", limit);
  }
}
