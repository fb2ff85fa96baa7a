package io.microservicestack.common;

/**
 * The input rules shared by every service, one rule per concept, for query parameters, path parameters, JSON
 * bodies and RPC bodies alike.
 *
 * <ul>
 *   <li><b>integer</b>: a JSON integer, or text of decimal digits with an optional leading {@code -}; nothing else
 *   (no spaces around it, no {@code +}, no fraction, no exponent); out of range is an error, never clamped or
 *   wrapped;</li>
 *   <li><b>id</b>: an integer from 1;</li>
 *   <li><b>text</b>: a JSON string (or query text) that is not blank, of at most a number of characters counted
 *   in code points.</li>
 * </ul>
 * Each reader records what is wrong in a {@link FieldErrors} under the field's name and returns null.
 */
public final class Params {

  private Params() {
  }

  /** An integer from {@code min} to {@code max}, {@code defaultValue} when absent (null). */
  public static Long integer(String field, Object value, Long defaultValue, long min, long max, FieldErrors errors) {
    if (value == null) {
      return defaultValue;
    }
    Long number = parse(value);
    if (number == null || number < min || number > max) {
      errors.add(field, max == Long.MAX_VALUE ? "must be an integer of at least " + min : "must be an integer from " + min + " to " + max);
      return null;
    }
    return number;
  }

  /** A required id: an integer from 1. */
  public static Long id(String field, Object value, FieldErrors errors) {
    if (value == null) {
      errors.add(field, "is required");
      return null;
    }
    Long id = parse(value);
    if (id == null || id < 1) {
      errors.add(field, "must be a positive integer");
      return null;
    }
    return id;
  }

  /**
   * A path's id: an integer from 1.
   *
   * @throws ProblemException 400 naming the field when it is not one
   */
  public static long id(String field, Object value) {
    FieldErrors errors = new FieldErrors();
    Long id = id(field, value, errors);
    errors.throwIfAny();
    return id;
  }

  /** A required, non-blank string of at most {@code maxLength} code points, returned as it was sent. */
  public static String text(String field, Object value, int maxLength, FieldErrors errors) {
    if (value == null) {
      errors.add(field, "is required");
    } else if (!(value instanceof String s)) {
      errors.add(field, "must be a string");
    } else if (s.isBlank()) {
      errors.add(field, "must not be blank");
    } else if (s.codePointCount(0, s.length()) > maxLength) {
      errors.add(field, "must be at most " + maxLength + " characters");
    } else {
      return s;
    }
    return null;
  }

  /** The value of a JSON integer or of text of decimal digits (optionally negative), or null when it is none. */
  static Long parse(Object value) {
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    if (!(value instanceof String text)) {
      return null;
    }
    int start = text.startsWith("-") ? 1 : 0;
    if (text.length() == start || text.length() - start > 19) {
      return null;
    }
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
