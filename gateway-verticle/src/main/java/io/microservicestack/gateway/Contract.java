package io.microservicestack.gateway;

import io.microservicestack.common.FieldErrors;
import io.microservicestack.common.JsonBody;
import io.microservicestack.common.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.impl.Utils;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's API contract, {@code contracts/openapi.yaml} (with {@code contracts/schemas/user.json}), read from
 * the jar, and the request-body validation done with it (vertx-openapi, vertx-json-schema) before a write is proxied.
 *
 * <p>Each operation's body validator is built once, at load, and a body is validated on the event loop that read
 * it: vertx-openapi's {@code RequestValidator} builds a new schema validator for every request (copying the
 * contract's whole schema map) on a worker thread, which cost more CPU than the rest of the gateway's work on a
 * create together.
 *
 * <p>A body that is not JSON is answered as the services answer it (415, 400, {@link JsonBody}); a JSON body that
 * breaks the schema is a 400 validation problem with {@code errors} by field, the shape the user service gives.
 */
final class Contract {

  /** Where the contract lives on the classpath (copied from {@code contracts/} at build time). */
  static final String FOLDER = "contracts";
  static final String OPENAPI = FOLDER + "/openapi.yaml";
  /** The one schema file, and the reference under which the OpenAPI document names it. */
  static final String USER_SCHEMA = "schemas/user.json";
  /** The absolute URI under which the gateway gives vertx-openapi the user schema. */
  static final String SCHEMA_REF = "app:///" + USER_SCHEMA;

  private static final Pattern REQUIRED = Pattern.compile("required property \"?([^\"]+)\"?");
  private static final Pattern NUMBER = Pattern.compile("(\\d+)");
  private static final Pattern TYPE = Pattern.compile("\\b(string|number|integer|boolean|object|array|null)\\b");
  /**
   * The services' own words for what a schema keyword caught in a field (field/keyword → message), so that a
   * request refused here reads like one refused by the service ({@code Params}, {@code NewUser}).
   */
  private static final Map<String, String> MESSAGES = Map.of(
    "name/pattern", "must not be blank",
    "email/pattern", "must be a valid email address",
    "email/minLength", "must be a valid email address",
    "channel/minLength", "must not be blank",
    "message/minLength", "must not be blank");

  private final OpenAPIContract contract;
  /** The JSON request body's validator of each operation that has one, by operation id. */
  private final Map<String, Validator> bodies = new HashMap<>();

  private Contract(OpenAPIContract contract) {
    this.contract = contract;
    for (Operation operation : contract.operations()) {
      MediaType json = operation.getRequestBody() == null ? null : operation.getRequestBody().getContent().get("application/json");
      if (json != null && json.getSchema() != null) {
        bodies.put(operation.getOperationId(), contract.getSchemaRepository().validator(json.getSchema()));
      }
    }
  }

  /** Reads and resolves the contract from the classpath. */
  static Future<Contract> load(Vertx vertx) {
    Future<JsonObject> openApi = Utils.readYamlOrJson(vertx, OPENAPI);
    Future<JsonObject> user = vertx.fileSystem().readFile(FOLDER + "/" + USER_SCHEMA).map(Buffer::toJsonObject);
    return Future.all(openApi, user)
      .compose(both -> OpenAPIContract.from(vertx, validatable(absoluteRefs(openApi.result())),
        Map.of(SCHEMA_REF, user.result().copy().put("$id", SCHEMA_REF))))
      .map(Contract::new);
  }

  /**
   * The document without the media types vertx-openapi 5.0.7 refuses to load (it knows JSON, text, multipart and
   * octet streams, not {@code application/problem+json}, YAML or HTML): only the request bodies are validated here,
   * and those are JSON. The file served keeps them all.
   */
  static JsonObject validatable(JsonObject json) {
    for (String name : List.copyOf(json.fieldNames())) {
      Object value = json.getValue(name);
      if (name.equals("content") && value instanceof JsonObject content) {
        content.fieldNames().removeIf(type -> !io.vertx.openapi.contract.MediaType.isMediaTypeSupported(type));
      } else if (value instanceof JsonObject object) {
        validatable(object);
      }
    }
    return json;
  }

  /**
   * The document with its relative references to {@value #USER_SCHEMA} made absolute: the file keeps them relative
   * (a browser resolves them against {@code /openapi.yaml}), vertx-openapi resolves only absolute ones it was given.
   */
  static JsonObject absoluteRefs(JsonObject json) {
    for (String name : json.fieldNames()) {
      Object value = json.getValue(name);
      if (name.equals("$ref") && USER_SCHEMA.equals(value)) {
        json.put(name, SCHEMA_REF);
      } else if (value instanceof JsonObject object) {
        absoluteRefs(object);
      } else if (value instanceof io.vertx.core.json.JsonArray array) {
        array.forEach(item -> {
          if (item instanceof JsonObject object) {
            absoluteRefs(object);
          }
        });
      }
    }
    return json;
  }

  OpenAPIContract openApi() {
    return contract;
  }

  /**
   * Validates the body of {@code ctx} (read by a body handler) against {@code operationId}'s request body.
   *
   * @return the body to forward, or a failed future with the 4xx problem
   */
  Future<Buffer> validateBody(RoutingContext ctx, String operationId) {
    Validator validator = bodies.get(operationId);
    if (validator == null) {
      throw new IllegalArgumentException("The contract has no JSON request body for operation " + operationId);
    }
    JsonObject json;
    try {
      json = JsonBody.object(ctx);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    OutputUnit result = validator.validate(json);
    try {
      result.checkValidity();
      return Future.succeededFuture(ctx.body().buffer());
    } catch (JsonSchemaValidationException e) {
      return Future.failedFuture(problem(result).exception());
    }
  }

  /** The 400 problem for a body the schema refused, with {@code errors} by field. */
  static Problem problem(OutputUnit result) {
    FieldErrors errors = new FieldErrors();
    List<OutputUnit> units = result.getErrors() == null || result.getErrors().isEmpty() ? List.of(result) : result.getErrors();
    for (OutputUnit unit : units) {
      addError(errors, unit);
    }
    return errors.isEmpty() ? Problem.badRequest("The request does not match the API contract") : errors.problem();
  }

  private static void addError(FieldErrors errors, OutputUnit unit) {
    String location = unit.getInstanceLocation() == null ? "" : unit.getInstanceLocation().replaceFirst("^#?/?", "");
    String keywordLocation = unit.getKeywordLocation() == null ? "" : unit.getKeywordLocation();
    String keyword = keywordLocation.substring(keywordLocation.lastIndexOf('/') + 1);
    String error = unit.getError() == null ? "" : unit.getError();
    if (keyword.equals("required") || error.contains("required property")) {
      Matcher m = REQUIRED.matcher(error);
      errors.add(m.find() ? m.group(1) : location.isEmpty() ? "body" : location, "is required");
      return;
    }
    if (keyword.isEmpty() || keyword.equals("properties") || keyword.equals("allOf") || keyword.equals("$ref")) {
      return;
    }
    String field = location.isEmpty() ? "body" : location.replace('/', '.');
    String message = MESSAGES.get(field + "/" + keyword);
    String limit = limit(error);
    errors.add(field, message != null ? message : switch (keyword) {
      case "type" -> "must be a " + expectedType(error);
      case "minLength" -> "must not be blank";
      case "maxLength" -> limit == null ? "is too long" : "must be at most " + limit + " characters";
      case "pattern", "format" -> "has an invalid format";
      case "minimum", "maximum" -> "is out of range";
      default -> "is invalid (" + keyword + ")";
    });
  }

  /** The type a type error expected: the last type its message names ("Instance type number is invalid. Expected string"). */
  private static String expectedType(String error) {
    Matcher m = TYPE.matcher(error);
    String last = "string";
    while (m.find()) {
      last = m.group(1);
    }
    return last.equals("integer") ? "number" : last;
  }

  /** The last number in a maxLength error ("... 64"), or null. */
  private static String limit(String error) {
    Matcher m = NUMBER.matcher(error);
    String last = null;
    while (m.find()) {
      last = m.group(1);
    }
    return last;
  }

  /** The content type of the request, for messages. */
  static String contentType(RoutingContext ctx) {
    return ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
  }
}
