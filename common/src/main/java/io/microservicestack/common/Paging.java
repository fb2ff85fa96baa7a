package io.microservicestack.common;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
   * Parses the cursor and limit, each absent, a JSON integer or a string of digits.
   *
   * @throws ProblemException a 400 validation problem naming every bad parameter
   */
  public static Paging parse(Object after, Object limit) {
    Map<String, List<String>> errors = new LinkedHashMap<>();
    Long cursor = after == null ? Long.valueOf(0) : nonNegative(after);
    if (cursor == null) {
      errors.put("after", List.of("must be a non-negative integer"));
    }
    Long size = limit == null ? Long.valueOf(DEFAULT_LIMIT) : nonNegative(limit);
    if (size == null || size < 1 || size > MAX_LIMIT) {
      errors.put("limit", List.of("must be an integer from 1 to " + MAX_LIMIT));
    }
    if (!errors.isEmpty()) {
      throw Problem.validation(errors).exception();
    }
    return new Paging(cursor, size.intValue());
  }

  /** The {@code users.list} request body. */
  public JsonObject toJson() {
    return new JsonObject().put("after", after).put("limit", limit);
  }

  /**
   * The value of a JSON integer or a string of decimal digits that is not negative, or null when it is none
   * (signs, blanks, fractions, overflow).
   */
  public static Long nonNegative(Object value) {
    if (value instanceof Integer || value instanceof Long) {
      long number = ((Number) value).longValue();
      return number < 0 ? null : number;
    }
    String text = value == null ? null : value.toString();
    if (text == null || text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
