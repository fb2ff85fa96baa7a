package io.microservicestack.common;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Reads a request's JSON object body, failing with the 4xx problem that says what was wrong. */
public final class JsonBody {

  /** The most a JSON request body may hold; a larger one is answered 413. */
  public static final long MAX_BYTES = 16 * 1024;

  private JsonBody() {
  }

  /**
   * The body as a JSON object.
   *
   * @throws ProblemException 415 when the content type is not JSON, 400 when the body is not a JSON object
   */
  public static JsonObject object(RoutingContext ctx) {
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (!isJson(contentType)) {
      throw Problem.of(415, "Unsupported Media Type",
        "The request body must be application/json, not " + (contentType == null ? "missing" : contentType)).exception();
    }
    String text = ctx.body() == null ? null : ctx.body().asString();
    if (text == null || text.isBlank()) {
      throw Problem.badRequest("The request body is empty; a JSON object is required").exception();
    }
    Object value;
    try {
      value = Json.decodeValue(text);
    } catch (DecodeException e) {
      throw Problem.badRequest("The request body is not valid JSON").exception();
    }
    if (!(value instanceof JsonObject json)) {
      throw Problem.badRequest("The request body must be a JSON object").exception();
    }
    return json;
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String mime = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    return mime.equals("application/json") || (mime.startsWith("application/") && mime.endsWith("+json"));
  }
}
