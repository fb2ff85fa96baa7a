package io.microservicestack.user;

import io.microservicestack.common.Problem;

/**
 * A page request over users in id order: those with an id greater than {@code after}, at most {@code limit}.
 *
 * @param after the cursor: the last id already seen (0 for the start)
 * @param limit 1-100, default 20
 */
public record Paging(long after, int limit) {

  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;

  /**
   * Parses the cursor and limit, each either absent, a number or a numeric string.
   *
   * @throws io.microservicestack.common.ProblemException 400 naming the bad parameter
   */
  public static Paging parse(Object after, Object limit) {
    long cursor = after == null ? 0 : number(after, "after");
    long size = limit == null ? DEFAULT_LIMIT : number(limit, "limit");
    if (cursor < 0) {
      throw Problem.badRequest("after must be a non-negative integer").exception();
    }
    if (size < 1 || size > MAX_LIMIT) {
      throw Problem.badRequest("limit must be between 1 and " + MAX_LIMIT).exception();
    }
    return new Paging(cursor, (int) size);
  }

  private static long number(Object value, String name) {
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    try {
      return Long.parseLong(value.toString().trim());
    } catch (NumberFormatException e) {
      throw Problem.badRequest(name + " must be an integer, got '" + value + "'").exception();
    }
  }
}
