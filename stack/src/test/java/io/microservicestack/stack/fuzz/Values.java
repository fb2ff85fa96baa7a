package io.microservicestack.stack.fuzz;

import io.vertx.core.json.Json;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The values the fuzzer puts into bodies and parameters: valid ones (in the part of the contract every service also
 * accepts: ASCII email addresses, names of letters of several scripts and emoji) and odd ones. A JSON value is given
 * as the raw bytes that go into the body, so that it can be what no JSON writer would produce (a lone surrogate as
 * bytes, invalid UTF-8, nesting a thousand levels deep).
 */
final class Values {

  /** Letters a user types, from several scripts, and characters outside the BMP (each one code point). */
  private static final List<String> FRIENDLY = List.of("a", "b", "e", "k", "m", "q", "z", "A", "Q", "Z", "0", "7", " ", "-",
    "'", ".", "é", "ü", "ñ", "ß", "Æ", "Ω", "π", "ж", "Я", "中", "文", "日", "한", "ע", "ب", "अ", "😀", "𝄞", "🎉");

  /**
   * Characters the text rules care about (docs/hardening.md): controls, U+0000, bidi overrides, noncharacters,
   * separators, zero-width ones, a combining mark alone, a decomposed letter, joiners, the highest code point.
   */
  private static final List<String> ODD_CHARACTERS = List.of("\u0000", "\u0001", "\u0008", "\t", "\n", "\r", "\u000B",
    "\u001B", "\u001F", "\u007F", "\u0085", "\u009F", "\u00A0", "\u200B", "\u200D", "\u200E", "\u2028", "\u2029",
    "\u202E", "\u2066", "\u2060", "\uFEFF", "\uFFF9", "\uFFFD", "\uFFFE", "\uFFFF", "\uFDD0", "\u0301", "e\u0301",
    "\uD83D\uDC69\u200D\uD83D\uDCBB", "\uDBFF\uDFFF", "\uDB40\uDC01", "\u3000", "\\", "\"", "/", "<script>", "%00",
    "'; DROP TABLE users; --", "{{7*7}}", "${jndi:ldap://x}");

  /** JSON of another type than a field's. */
  private static final List<String> OTHER_TYPES = List.of("0", "-1", "1.5", "-0", "1e999", "-1e-999",
    "123456789012345678901234567890", "true", "false", "null", "[]", "{}", "[\"a\"]", "{\"a\":1}", "\"\"", "\" \"");

  /** A string value with an unpaired surrogate escape, which a strict reader refuses. */
  private static final List<String> LONE_SURROGATE_ESCAPES = List.of("\"a\\ud800\"", "\"\\udc00b\"", "\"\\ud800\\ud800\"",
    "\"\\uDFFF\"", "\"x\\ud83d\"");

  /** Byte sequences that are not UTF-8: a surrogate encoded in it (CESU-8), overlong, truncated, above U+10FFFF. */
  private static final List<byte[]> INVALID_UTF8 = List.of(bytes(0xED, 0xA0, 0x80), bytes(0xED, 0xBF, 0xBF),
    bytes(0xFF), bytes(0xC0, 0x80), bytes(0xC1, 0xBF), bytes(0xE2, 0x82), bytes(0xF4, 0x90, 0x80, 0x80),
    bytes(0xF8, 0x88, 0x80, 0x80, 0x80), bytes(0x80), bytes(0xE0, 0x80, 0xAF));

  private Values() {
  }

  /** {@code min}-{@code max} code points of {@link #FRIENDLY} text, not blank. */
  static Arbitrary<String> friendlyText(int min, int max) {
    return Arbitraries.of(FRIENDLY).list().ofMinSize(min).ofMaxSize(max).map(parts -> String.join("", parts))
      .filter(text -> !text.isBlank());
  }

  /** An address both the contract and the user service accept. */
  static Arbitrary<String> email() {
    Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(12);
    return Combinators.combine(word, word, word).as((local, host, tag) -> local + "." + tag + "@" + host + ".example");
  }

  /** Text with an odd character somewhere, or text of an odd length (blank, long, over every limit). */
  static Arbitrary<String> oddText() {
    Arbitrary<String> around = Arbitraries.of(FRIENDLY).list().ofMaxSize(5).map(parts -> String.join("", parts));
    Arbitrary<String> embedded = Combinators.combine(around,
      Arbitraries.of(ODD_CHARACTERS).list().ofMinSize(1).ofMaxSize(3).map(parts -> String.join("", parts)), around)
      .as((before, odd, after) -> before + odd + after);
    Arbitrary<String> sized = Arbitraries.of(0, 1, 63, 64, 65, 80, 81, 254, 255, 4000, 4001, 17_000)
      .map(length -> "x".repeat(length));
    Arbitrary<String> blank = Arbitraries.of(" ", "\t", "  \n ", "\u00A0", "\u3000", "\u200B");
    Arbitrary<String> zalgo = Arbitraries.integers().between(1, 300).map(marks -> "a" + "\u0301".repeat(marks));
    return Arbitraries.frequencyOf(
      Tuple.of(6, embedded), Tuple.of(2, sized), Tuple.of(1, blank),
      Tuple.of(1, zalgo));
  }

  /** The raw JSON of a value a field should not hold. */
  static Arbitrary<byte[]> oddJsonValue() {
    return Arbitraries.frequencyOf(
      Tuple.of(4, oddText().map(Values::json)),
      Tuple.of(3, Arbitraries.of(OTHER_TYPES).map(Values::utf8)),
      Tuple.of(2, Arbitraries.of(LONE_SURROGATE_ESCAPES).map(Values::utf8)),
      Tuple.of(2, Arbitraries.of(INVALID_UTF8).map(Values::quoted)),
      Tuple.of(1, deepNesting()));
  }

  /** An array or object nested up to a few thousand levels (the strict reader's limit is 1000). */
  static Arbitrary<byte[]> deepNesting() {
    return Arbitraries.of(2, 100, 999, 1000, 1001, 5000).flatMap(depth -> Arbitraries.of(
      "[".repeat(depth) + "]".repeat(depth),
      "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)).map(Values::utf8));
  }

  /** Bytes of invalid UTF-8, for bodies. */
  static Arbitrary<byte[]> invalidUtf8() {
    return Arbitraries.of(INVALID_UTF8);
  }

  /** A value as JSON text, the way a client's JSON writer encodes it (non-ASCII as UTF-8). */
  static byte[] json(Object value) {
    return utf8(Json.encode(value));
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code content} between double quotes: a JSON string holding those bytes as they are. */
  private static byte[] quoted(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(utf8("\"a"));
    out.writeBytes(content);
    out.writeBytes(utf8("b\""));
    return out.toByteArray();
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }
}
