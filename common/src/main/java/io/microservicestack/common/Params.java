package io.microservicestack.common;

import java.text.Normalizer;

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
 *   in code points, normalised to Unicode NFC (the form returned and stored), holding no character of
 *   {@link #refused(int, boolean)}: no control character, no unpaired surrogate, no noncharacter, no bidirectional
 *   embedding/override/isolate control, no byte order mark; one-line text (names, emails, channels, ids) also no
 *   tab, line break, line/paragraph separator or zero-width space. {@link #multiline} text (a message) may hold
 *   tabs and line breaks (U+0009, U+000A, U+000D).</li>
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

  /**
   * A required, non-blank, one-line string of at most {@code maxLength} code points, returned in NFC; see the class
   * comment for the characters it may not hold.
   */
  public static String text(String field, Object value, int maxLength, FieldErrors errors) {
    return text(field, value, maxLength, false, errors);
  }

  /** Like {@link #text} but the text may also hold tabs and line breaks: U+0009, U+000A and U+000D. */
  public static String multiline(String field, Object value, int maxLength, FieldErrors errors) {
    return text(field, value, maxLength, true, errors);
  }

  private static String text(String field, Object value, int maxLength, boolean multiline, FieldErrors errors) {
    if (value == null) {
      errors.add(field, "is required");
      return null;
    }
    if (!(value instanceof String sent)) {
      errors.add(field, "must be a string");
      return null;
    }
    int surrogate = unpairedSurrogateAt(sent);
    if (surrogate >= 0) {
      errors.add(field, "must not contain an unpaired surrogate (" + codePoint(sent.charAt(surrogate)) + ")");
      return null;
    }
    String s = Normalizer.normalize(sent, Normalizer.Form.NFC);
    int bad = s.codePoints().filter(c -> refused(c, multiline)).findFirst().orElse(-1);
    if (bad >= 0) {
      errors.add(field, "must not contain " + codePoint(bad) + " (" + kind(bad) + ")");
    } else if (s.isBlank()) {
      errors.add(field, "must not be blank");
    } else if (s.codePointCount(0, s.length()) > maxLength) {
      errors.add(field, "must be at most " + maxLength + " characters");
    } else {
      return s;
    }
    return null;
  }

  /**
   * Whether text may not hold code point {@code c}:
   * <ul>
   *   <li>C0 controls U+0000-U+001F (PostgreSQL cannot store U+0000 in text at all), except U+0009, U+000A and
   *   U+000D in multi-line text; DEL U+007F and the C1 controls U+0080-U+009F;</li>
   *   <li>surrogates U+D800-U+DFFF (only reachable unpaired: a pair is one code point);</li>
   *   <li>noncharacters: U+FDD0-U+FDEF and the last two code points of every plane (U+FFFE, U+FFFF, U+1FFFE...);</li>
   *   <li>the bidirectional embedding, override and isolate controls U+202A-U+202E and U+2066-U+2069, which
   *   reorder the text around them ("Trojan Source"); the byte order mark U+FEFF; the interlinear annotation
   *   characters U+FFF9-U+FFFB;</li>
   *   <li>in one-line text, also the line and paragraph separators U+2028 and U+2029 and the invisible
   *   zero-width space U+200B and word joiner U+2060.</li>
   * </ul>
   * Everything else is allowed: letters and marks of every script, emoji (with the joiners U+200C/U+200D and
   * variation selectors they need), the bidirectional marks U+200E/U+200F, private-use characters.
   */
  public static boolean refused(int c, boolean multiline) {
    if (c < 0x20) {
      return !(multiline && (c == '\t' || c == '\n' || c == '\r'));
    }
    return (c >= 0x7F && c <= 0x9F)
      || (c >= 0xD800 && c <= 0xDFFF)
      || (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE
      || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)
      || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFB)
      || (!multiline && (c == 0x2028 || c == 0x2029 || c == 0x200B || c == 0x2060));
  }

  /** The index of the first surrogate of {@code s} that is not half of a pair, or -1. */
  static int unpairedSurrogateAt(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  private static String kind(int c) {
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
      return "a control character";
    }
    if ((c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE) {
      return "a noncharacter";
    }
    if (c == 0x2028 || c == 0x2029) {
      return "a line break";
    }
    return "an invisible formatting character";
  }

  private static String codePoint(int c) {
    return String.format("U+%04X", c);
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
