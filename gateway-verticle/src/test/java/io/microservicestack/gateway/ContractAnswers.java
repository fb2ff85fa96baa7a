package io.microservicestack.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.impl.ClientPhase;
import io.vertx.ext.web.client.impl.HttpContext;
import io.vertx.ext.web.client.impl.WebClientInternal;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.impl.Utils;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Checks an answer of the gateway against {@code contracts/openapi.yaml}: the operation (method and path) must be in
 * the contract, the status must be one it lists for that operation, the {@code Content-Type} one that status lists,
 * and a JSON body must match that media type's schema. Every integration test that talks to the gateway's public
 * routes passes its answers through here (the test clients do it for them), and so does the fuzzer.
 *
 * <p>The contract is read once, with the gateway's own {@link Contract#load} (vertx-openapi finds the operation of a
 * path); the response schemas come from the same document resolved by vertx-openapi with every media type kept
 * ({@code application/problem+json} included, which vertx-openapi 5.0.7's response model refuses), and are validated
 * with the contract's schema repository.
 *
 * <p>Paths under a path item marked {@code x-static-files: true} (the console {@code /}, the docs {@code /docs}) are
 * files: their answer's status must be one the item's operation lists; a successful file keeps its own media type.
 * A method and path the contract does not list must answer as its {@code x-unlisted-operations} says (404, 405
 * problem+json). The operational routes ({@link #OPERATIONAL}) are outside the contract on purpose and not checked.
 */
public final class ContractAnswers {

  /** Routes for probes and scrapers, deliberately not in the contract (the contract test excludes them too). */
  public static final Set<String> OPERATIONAL = Set.of("/health/live", "/health/ready", "/metrics");

  private static final String STATIC_FILES = "x-static-files";
  /** The extension that says what a method and path the contract does not list answer (404, 405). */
  private static final String UNLISTED = "x-unlisted-operations";

  private ContractAnswers() {
  }

  /**
   * Checks one answer of the gateway.
   *
   * @param method       the request's method ({@code GET}, {@code POST}...)
   * @param pathAndQuery the request's path, with or without its query
   * @param status       the answer's status code
   * @param contentType  the answer's {@code Content-Type} header, or null
   * @param body         the answer's body as text, or null
   * @throws AssertionError naming what does not match the contract
   */
  public static void check(String method, String pathAndQuery, int status, String contentType, String body) {
    // Split, not parsed: a fuzzer's path need not be a valid URI.
    String path = pathAndQuery.split("[?#]", 2)[0];
    if (OPERATIONAL.contains(path)) {
      return;
    }
    String answer = method + " " + pathAndQuery + " answered " + status + " " + contentType;
    Loaded loaded = loaded();
    HttpMethod httpMethod = HttpMethod.valueOf(method.toUpperCase(Locale.ROOT));
    Operation operation = loaded.contract.findOperation(path, httpMethod);
    String staticArea = null;
    if (operation == null) {
      staticArea = loaded.staticArea(path);
      operation = staticArea == null ? null : loaded.contract.findOperation(staticArea, httpMethod);
    }
    String name = operation == null ? "an operation it does not list (" + UNLISTED + ")" : operation.getOperationId();
    JsonObject responses = operation == null ? loaded.unlisted() : loaded.responses(operation);
    JsonObject response = responses.getJsonObject(String.valueOf(status), responses.getJsonObject("default"));
    if (response == null) {
      throw new AssertionError(answer + ": the contract lists no status " + status + " for " + name
        + " (it lists " + listed(responses) + ")");
    }
    if (staticArea == null || status >= 400) {
      checkContent(answer, name + " " + status, response, contentType, body);
    }
  }

  /** The media type and the body of an answer against the {@code response} of the contract. */
  private static void checkContent(String answer, String what, JsonObject response, String contentType, String body) {
    JsonObject content = response.getJsonObject("content", new JsonObject());
    if (content.isEmpty()) {
      return;
    }
    String mediaType = contentType == null ? null : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    JsonObject media = mediaType == null || isAnnotation(mediaType) ? null : content.getJsonObject(mediaType);
    if (media == null) {
      throw new AssertionError(answer + ": the contract's " + what + " is " + listed(content) + ", not " + contentType);
    }
    JsonObject schema = media.getJsonObject("schema");
    if (schema != null && isJson(mediaType)) {
      List<String> errors = loaded().validate(schema, parse(answer, body));
      if (!errors.isEmpty()) {
        throw new AssertionError(answer + ": the body breaks the contract's schema of " + what + ": " + errors + "\n" + body);
      }
    }
  }

  /** The keys (statuses, media types) of a contract object, less the annotations ({@code __absolute_uri__}...) vertx-json-schema adds. */
  private static List<String> listed(JsonObject object) {
    return object.fieldNames().stream().filter(key -> !isAnnotation(key)).sorted().toList();
  }

  private static boolean isAnnotation(String key) {
    return key.startsWith("__") && key.endsWith("__");
  }

  /**
   * {@code client}, whose every answer is {@link #check checked} before it is handed over: an answer that breaks the
   * contract fails the request's future with the {@link AssertionError}. For clients of the gateway only.
   */
  public static WebClient checking(WebClient client) {
    loaded(); // here, on the caller's thread: reading the contract would block the event loop of the first answer
    ((WebClientInternal) client).addInterceptor(ContractAnswers::intercept);
    return client;
  }

  private static void intercept(HttpContext<?> ctx) {
    if (ctx.phase() != ClientPhase.DISPATCH_RESPONSE) {
      ctx.next();
      return;
    }
    RequestOptions request = ctx.requestOptions();
    HttpResponse<?> response = ctx.response();
    try {
      check(request.getMethod().name(), request.getURI(), response.statusCode(),
        response.getHeader(HttpHeaders.CONTENT_TYPE.toString()), text(response.body()));
    } catch (AssertionError e) {
      ctx.fail(e);
      return;
    }
    ctx.next();
  }

  /** A body as text, whichever codec decoded it (a buffer, a string, JSON). */
  private static String text(Object body) {
    if (body == null) {
      return null;
    }
    return body instanceof Buffer buffer ? buffer.toString() : body instanceof String string ? string : Json.encode(body);
  }

  private static boolean isJson(String mediaType) {
    return mediaType.equals("application/json") || mediaType.endsWith("+json");
  }

  private static Object parse(String answer, String body) {
    try {
      return Json.decodeValue(body == null ? "" : body);
    } catch (DecodeException e) {
      throw new AssertionError(answer + ": the body is not JSON: " + body, e);
    }
  }

  private static Loaded loaded;

  /** The contract, read once per JVM (on first use). */
  private static synchronized Loaded loaded() {
    if (loaded == null) {
      loaded = Loaded.load();
    }
    return loaded;
  }

  /** The contract as read, and what the checks look up in it. */
  private static final class Loaded {

    final OpenAPIContract contract;
    /** The whole document, resolved, with every media type (the model keeps only those vertx-openapi knows). */
    final JsonObject document;
    /** The paths whose item is marked {@value #STATIC_FILES}, longest first. */
    final List<String> staticAreas;

    private Loaded(OpenAPIContract contract, JsonObject document) {
      this.contract = contract;
      this.document = document;
      List<String> areas = new ArrayList<>();
      document.getJsonObject("paths").forEach(item -> {
        if (item.getValue() instanceof JsonObject pathItem && pathItem.getBoolean(STATIC_FILES, false)) {
          areas.add(item.getKey());
        }
      });
      areas.sort(Comparator.comparingInt(String::length).reversed());
      this.staticAreas = List.copyOf(areas);
    }

    private static Loaded load() {
      Vertx vertx = Vertx.vertx();
      try {
        OpenAPIContract contract = Contract.load(vertx).await(30, TimeUnit.SECONDS).openApi();
        Future<JsonObject> document = Utils.readYamlOrJson(vertx, Contract.OPENAPI)
          // Under an id of its own: the repository holds the document the model was made of under the default one.
          .map(raw -> Contract.absoluteRefs(raw).put("$id", "app:///contract-answers"))
          .compose(raw -> contract.getVersion().resolve(vertx, contract.getSchemaRepository(), raw));
        return new Loaded(contract, document.await(30, TimeUnit.SECONDS));
      } catch (Exception e) {
        throw new IllegalStateException("Cannot read the contract " + Contract.OPENAPI + " from the classpath", e);
      } finally {
        vertx.close();
      }
    }

    /** The static-file area {@code path} lies in, or null. */
    String staticArea(String path) {
      return staticAreas.stream()
        .filter(area -> area.equals("/") ? path.startsWith("/") : path.startsWith(area + "/"))
        .findFirst().orElse(null);
    }

    /** The responses the contract lists for {@code operation}, by status. */
    JsonObject responses(Operation operation) {
      return document.getJsonObject("paths").getJsonObject(operation.getOpenAPIPath())
        .getJsonObject(operation.getHttpMethod().name().toLowerCase(Locale.ROOT))
        .getJsonObject("responses", new JsonObject());
    }

    /** The responses of a method and path the contract does not list ({@value #UNLISTED}), by status. */
    JsonObject unlisted() {
      return document.getJsonObject(UNLISTED, new JsonObject()).getJsonObject("responses", new JsonObject());
    }

    /** What {@code value} breaks in {@code schema}, in vertx-json-schema's words (empty when it is valid). */
    List<String> validate(JsonObject schema, Object value) {
      OutputUnit result = contract.getSchemaRepository().validator(JsonSchema.of(schema)).validate(value);
      List<String> errors = new ArrayList<>();
      if (Boolean.FALSE.equals(result.getValid())) {
        List<OutputUnit> units = result.getErrors() == null || result.getErrors().isEmpty() ? List.of(result) : result.getErrors();
        units.forEach(unit -> errors.add(unit.getInstanceLocation() + ": " + unit.getError()));
      }
      return errors;
    }
  }
}
