package io.microservicestack.common.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Request bodies and commands that must be refused with a 400, by class: every leniency of a JSON parser or a UTF-8
 * decoder that would accept them (and store something other than what was sent), and text a store cannot hold.
 * Each is built from a valid body, so that the only thing wrong with it is the one the case is named after.
 */
public final class BadBodies {

  private BadBodies() {
  }

  /**
   * A body that must be refused.
   *
   * @param name  what is wrong with it
   * @param bytes the body
   * @param field the field the problem names in its {@code errors}, or null when the body as a whole is refused
   */
  public record BadBody(String name, byte[] bytes, String field) {

    public Buffer buffer() {
      return Buffer.buffer(bytes);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * The bad variants of {@code valid} (a JSON object of strings), each breaking one rule in or around its
   * {@code textField}.
   */
  public static List<BadBody> of(JsonObject valid, String textField) {
    String text = valid.getString(textField);
    String rest = restOf(valid, textField);
    List<BadBody> bodies = new ArrayList<>();
    // JSON that a strict RFC 8259 parser refuses
    bodies.add(json("a duplicate key", "{\"" + textField + "\":\"other\"," + body(textField, text, rest).substring(1), null));
    bodies.add(json("a comment", "{/* a comment */" + body(textField, text, rest).substring(1), null));
    bodies.add(json("trailing content", body(textField, text, rest) + " x", null));
    bodies.add(json("a second JSON value", body(textField, text, rest) + "{}", null));
    bodies.add(json("NaN", "{\"n\":NaN," + body(textField, text, rest).substring(1), null));
    bodies.add(json("a number with a leading zero", "{\"n\":01," + body(textField, text, rest).substring(1), null));
    bodies.add(json("a trailing comma", body(textField, text, rest).replaceFirst("}$", ",}"), null));
    bodies.add(json("single quotes", body(textField, text, rest).replace('"', '\''), null));
    bodies.add(json("an unpaired high surrogate escape", body(textField, text + "\\ud800", rest), null));
    bodies.add(json("an unpaired low surrogate escape", body(textField, "\\udc00" + text, rest), null));
    bodies.add(json("an unpaired surrogate escape in a key", "{\"k\\ud800\":1," + body(textField, text, rest).substring(1), null));
    // bytes that a strict UTF-8 decoder refuses
    bodies.add(bytes("an invalid UTF-8 byte (0xFF)", textField, text, rest, new byte[] {(byte) 0xFF}));
    bodies.add(bytes("a truncated UTF-8 sequence (0xC3)", textField, text, rest, new byte[] {(byte) 0xC3}));
    bodies.add(bytes("an overlong UTF-8 encoding of '/' (0xC0 0xAF)", textField, text, rest, new byte[] {(byte) 0xC0, (byte) 0xAF}));
    bodies.add(bytes("a surrogate encoded in UTF-8 (0xED 0xA0 0x80)", textField, text, rest,
      new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}));
    bodies.add(bytes("a code point above U+10FFFF (0xF4 0x90 0x80 0x80)", textField, text, rest,
      new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}));
    bodies.add(new BadBody("a UTF-8 byte order mark before the JSON",
      concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(body(textField, text, rest))), null));
    // valid JSON whose text the field rules refuse
    bodies.add(json("U+0000 in the text", body(textField, text + "\\u0000", rest), textField));
    bodies.add(json("a C0 control (U+001B, escape) in the text", body(textField, "\\u001b[31m" + text, rest), textField));
    bodies.add(json("a C1 control (U+0085) in the text", body(textField, text + "\\u0085", rest), textField));
    bodies.add(json("a right-to-left override (U+202E) in the text", body(textField, "\\u202e" + text, rest), textField));
    bodies.add(json("a noncharacter (U+FFFF) in the text", body(textField, text + "\\uffff", rest), textField));
    bodies.add(json("a byte order mark (U+FEFF) in the text", body(textField, "\\ufeff" + text, rest), textField));
    return bodies;
  }

  private static String restOf(JsonObject valid, String textField) {
    JsonObject rest = valid.copy();
    rest.remove(textField);
    String encoded = rest.encode();
    return encoded.length() == 2 ? "" : encoded.substring(1, encoded.length() - 1);
  }

  /** {@code {"field":"<rawText>",rest}}, with {@code rawText} written as is (escapes included). */
  private static String body(String field, String rawText, String rest) {
    return "{\"" + field + "\":\"" + rawText + "\"" + (rest.isEmpty() ? "" : "," + rest) + "}";
  }

  private static BadBody json(String name, String text, String field) {
    return new BadBody(name, utf8(text), field);
  }

  private static BadBody bytes(String name, String field, String text, String rest, byte[] inserted) {
    String body = body(field, text + "\u0001", rest);
    int at = body.indexOf('\u0001');
    byte[] before = utf8(body.substring(0, at));
    byte[] after = utf8(body.substring(at + 1));
    return new BadBody(name, concat(concat(before, inserted), after), null);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }
}
