package io.microservicestack.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads a JSON object from a request body or a queued command, strictly, failing with the 4xx problem that says
 * what was wrong. Every service reads its bodies and commands here, so every one refuses the same input.
 *
 * <p>Strict means: the bytes are UTF-8 (a malformed sequence is refused, never replaced by U+FFFD), and the text is
 * one JSON value by RFC 8259 and nothing else: no duplicate keys, no comments, no {@code NaN}/{@code Infinity}, no
 * leading zeros, no single quotes or unquoted names, no trailing commas, no trailing content, no byte order mark,
 * and no unpaired surrogate escape ({@code "\ud800"}) in any string or key. (Vert.x's {@code Json.decodeValue}
 * allows comments and duplicate keys, the last one winning, and {@code Buffer.toString()} replaces bad bytes.)
 */
public final class JsonBody {

  /** The most a JSON request body may hold; a larger one is answered 413. */
  public static final long MAX_BYTES = 16 * 1024;
  private static final int MAX_DETAIL = 200;

  /** Jackson's defaults are strict except for duplicate keys; Vert.x's own factory also allows comments. */
  private static final JsonFactory STRICT = JsonFactory.builder()
    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
    .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
    .disable(JsonReadFeature.ALLOW_YAML_COMMENTS)
    .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
    .disable(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS)
    .disable(JsonReadFeature.ALLOW_TRAILING_COMMA)
    .disable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
    .disable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
    .disable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
    .build();

  private JsonBody() {
  }

  /**
   * The request's body as a JSON object.
   *
   * @throws ProblemException 415 when the content type is not JSON, 400 when the body is empty, not UTF-8, not
   *                          strict JSON or not an object
   */
  public static JsonObject object(RoutingContext ctx) {
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (!isJson(contentType)) {
      throw Problem.of(415, "Unsupported Media Type",
        "The request body must be application/json, not " + (contentType == null ? "missing" : contentType)).exception();
    }
    return object(ctx.body() == null ? null : ctx.body().buffer(), "The request body");
  }

  /**
   * {@code bytes} as a JSON object; {@code what} names it in the problem ("The request body", "The command").
   *
   * @throws ProblemException 400 when the bytes are empty, not UTF-8, not strict JSON or not an object
   */
  public static JsonObject object(Buffer bytes, String what) {
    Object value = decode(bytes, what);
    if (!(value instanceof JsonObject json)) {
      throw Problem.badRequest(what + " must be a JSON object").exception();
    }
    return json;
  }

  /**
   * {@code bytes} as one JSON value ({@link JsonObject}, {@link JsonArray}, String, Number, Boolean or null).
   *
   * @throws ProblemException 400 when the bytes are empty, not UTF-8 or not strict JSON
   */
  public static Object decode(Buffer bytes, String what) {
    String text = utf8(bytes, what);
    if (text.isBlank()) {
      throw Problem.badRequest(what + " is empty; a JSON object is required").exception();
    }
    Object value;
    try (JsonParser parser = STRICT.createParser(text)) {
      value = JacksonCodec.fromParser(parser, Object.class);
    } catch (DecodeException | IOException e) {
      throw Problem.badRequest(what + " is not valid JSON: " + firstLine(e)).exception();
    }
    String surrogate = unpairedSurrogate(value);
    if (surrogate != null) {
      throw Problem.badRequest(what + " is not valid JSON: a string holds an unpaired surrogate " + surrogate).exception();
    }
    return value;
  }

  /** The bytes decoded as UTF-8, refusing malformed and unmappable sequences instead of replacing them. */
  private static String utf8(Buffer bytes, String what) {
    if (bytes == null || bytes.length() == 0) {
      return "";
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes.getBytes()))
        .toString();
    } catch (CharacterCodingException e) {
      throw Problem.badRequest(what + " is not valid UTF-8").exception();
    }
  }

  /** The first unpaired surrogate of any string or key in {@code value}, as {@code \\uXXXX}, or null. */
  private static String unpairedSurrogate(Object value) {
    if (value instanceof String s) {
      int at = Params.unpairedSurrogateAt(s);
      return at < 0 ? null : String.format("\\u%04x", (int) s.charAt(at));
    }
    if (value instanceof JsonObject json) {
      for (Map.Entry<String, Object> entry : json) {
        String found = unpairedSurrogate(entry.getKey());
        if (found == null) {
          found = unpairedSurrogate(entry.getValue());
        }
        if (found != null) {
          return found;
        }
      }
    } else if (value instanceof JsonArray array) {
      for (Object item : array) {
        String found = unpairedSurrogate(item);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /** Jackson's message without the location lines (and Vert.x's prefix), short enough for a problem's detail. */
  private static String firstLine(Exception e) {
    Throwable cause = e instanceof DecodeException && e.getCause() != null ? e.getCause() : e;
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    message = message.replaceFirst("^Failed to decode:", "").split("\n", 2)[0].trim();
    return message.length() > MAX_DETAIL ? message.substring(0, MAX_DETAIL) + "..." : message;
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String mime = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    return mime.equals("application/json") || (mime.startsWith("application/") && mime.endsWith("+json"));
  }
}
