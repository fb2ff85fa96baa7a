package io.microservicestack.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.impl.Utils;

import java.net.URI;
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
 * The operational routes ({@link #OPERATIONAL}) are outside the contract on purpose and not checked.
 */
public final class ContractAnswers {

  /** Routes for probes and scrapers, deliberately not in the contract (the contract test excludes them too). */
  public static final Set<String> OPERATIONAL = Set.of("/health/live", "/health/ready", "/metrics");

  private static final String STATIC_FILES = "x-static-files";

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
    String path = URI.create(pathAndQuery).getRawPath();
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
    if (operation == null) {
      throw new AssertionError(answer + ": the contract has no operation " + method + " " + path);
    }
    JsonObject response = loaded.response(operation, status);
    if (response == null) {
      throw new AssertionError(answer + ": the contract lists no status " + status + " for " + operation.getOperationId()
        + " (it lists " + loaded.statuses(operation) + ")");
    }
    JsonObject content = response.getJsonObject("content", new JsonObject());
    if (content.isEmpty() || (staticArea != null && status < 400)) {
      return;
    }
    String mediaType = contentType == null ? null : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    JsonObject media = mediaType == null ? null : content.getJsonObject(mediaType);
    if (media == null) {
      throw new AssertionError(answer + ": the contract's " + operation.getOperationId() + " " + status
        + " is " + content.fieldNames() + ", not " + contentType);
    }
    JsonObject schema = media.getJsonObject("schema");
    if (schema != null && isJson(mediaType)) {
      List<String> errors = loaded.validate(schema, parse(answer, body));
      if (!errors.isEmpty()) {
        throw new AssertionError(answer + ": the body breaks the contract's schema of " + operation.getOperationId()
          + " " + status + ": " + errors + "\n" + body);
      }
    }
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

    private JsonObject responses(Operation operation) {
      return document.getJsonObject("paths").getJsonObject(operation.getOpenAPIPath())
        .getJsonObject(operation.getHttpMethod().name().toLowerCase(Locale.ROOT))
        .getJsonObject("responses", new JsonObject());
    }

    /** The response the contract lists for {@code status} (or its {@code default}), or null. */
    JsonObject response(Operation operation, int status) {
      JsonObject responses = responses(operation);
      JsonObject exact = responses.getJsonObject(String.valueOf(status));
      return exact != null ? exact : responses.getJsonObject("default");
    }

    Set<String> statuses(Operation operation) {
      return responses(operation).fieldNames();
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
