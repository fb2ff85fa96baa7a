package io.microservicestack.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An HTTP problem (RFC 9457, {@code application/problem+json}): thrown by handlers and turned into a
 * response by {@link ProblemHandler}.
 *
 * @param status the HTTP status
 * @param title  a short, fixed summary of the kind of problem
 * @param detail what was wrong with this request
 * @param errors for validation problems: field → messages (empty otherwise)
 */
public record Problem(int status, String title, String detail, Map<String, List<String>> errors) {

  public static final String CONTENT_TYPE = "application/problem+json";

  public Problem {
    errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
  }

  public static Problem of(int status, String title, String detail) {
    return new Problem(status, title, detail, Map.of());
  }

  public static Problem badRequest(String detail) {
    return of(400, "Bad Request", detail);
  }

  public static Problem notFound(String detail) {
    return of(404, "Not Found", detail);
  }

  public static Problem validation(Map<String, List<String>> errors) {
    return new Problem(400, "Validation failed", "The request has invalid fields: " + String.join(", ", errors.keySet()), errors);
  }

  public static Problem unavailable(String detail) {
    return of(503, "Service Unavailable", detail);
  }

  /** This problem as an exception, to fail a route or a future with. */
  public ProblemException exception() {
    return new ProblemException(this);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
      .put("type", "about:blank")
      .put("status", status)
      .put("title", title)
      .put("detail", detail);
    if (!errors.isEmpty()) {
      JsonObject fields = new JsonObject();
      errors.forEach((field, messages) -> fields.put(field, new JsonArray(List.copyOf(messages))));
      json.put("errors", fields);
    }
    return json;
  }
}
