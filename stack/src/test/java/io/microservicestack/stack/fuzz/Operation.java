package io.microservicestack.stack.fuzz;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One operation of the gateway's contract ({@code contracts/openapi.yaml}), as much of it as the fuzzer generates
 * requests from: the method, the path template, the parameters and the JSON body's schema.
 *
 * @param id     the operationId
 * @param method GET, POST...
 * @param path   the path template, {@code /users/{id}}
 * @param params the path and query parameters
 * @param body   the schema of the JSON request body (with {@code properties} and {@code required}), or null
 * @param upgrade whether the operation is a websocket handshake (it lists a 101)
 */
record Operation(String id, String method, String path, List<Param> params, JsonObject body, boolean upgrade) {

  /** The contracts folder, seen from the stack module (where Maven runs its tests). */
  static final Path CONTRACTS = Path.of("..", "contracts");
  private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");

  /** A path or query parameter with its schema. */
  record Param(String name, String in, boolean required, String type, Long minimum, Long maximum) {

    boolean integer() {
      return "integer".equals(type);
    }
  }

  /** Every operation of the contract, in the document's order. */
  static List<Operation> fromContract() {
    Map<String, Object> document = new Yaml().load(read(CONTRACTS.resolve("openapi.yaml")));
    JsonObject contract = new JsonObject(document);
    List<Operation> operations = new ArrayList<>();
    JsonObject paths = contract.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : METHODS) {
        JsonObject operation = item.getJsonObject(method);
        if (operation != null) {
          operations.add(of(contract, path, method, operation));
        }
      }
    }
    return List.copyOf(operations);
  }

  private static Operation of(JsonObject contract, String path, String method, JsonObject operation) {
    List<Param> params = new ArrayList<>();
    for (Object entry : operation.getJsonArray("parameters", new JsonArray())) {
      JsonObject param = (JsonObject) entry;
      JsonObject schema = param.getJsonObject("schema", new JsonObject());
      params.add(new Param(param.getString("name"), param.getString("in"), param.getBoolean("required", false),
        String.valueOf(schema.getValue("type")),
        number(schema.getValue("minimum")), number(schema.getValue("maximum"))));
    }
    JsonObject body = null;
    if (operation.containsKey("requestBody")) {
      JsonObject requestBody = resolve(contract, operation.getJsonObject("requestBody"));
      body = resolve(contract, requestBody.getJsonObject("content").getJsonObject("application/json").getJsonObject("schema"));
    }
    return new Operation(operation.getString("operationId"), method.toUpperCase(Locale.ROOT), path, List.copyOf(params),
      body, operation.getJsonObject("responses").containsKey("101"));
  }

  /** Follows a {@code $ref} inside the document ({@code #/...}) or to a schema file beside it. */
  private static JsonObject resolve(JsonObject contract, JsonObject node) {
    String ref = node.getString("$ref");
    if (ref == null) {
      return node;
    }
    if (!ref.startsWith("#/")) {
      return new JsonObject(read(CONTRACTS.resolve(ref)));
    }
    JsonObject target = contract;
    for (String step : ref.substring(2).split("/")) {
      target = target.getJsonObject(step);
    }
    return resolve(contract, target);
  }

  private static Long number(Object value) {
    return value instanceof Number n ? n.longValue() : null;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The path with each {@code {param}} replaced by the (already encoded) value {@code values} gives for it. */
  String path(Map<String, String> values) {
    String filled = path;
    for (Param param : params) {
      if (param.in().equals("path")) {
        filled = filled.replace("{" + param.name() + "}", values.get(param.name()));
      }
    }
    return filled;
  }

  List<Param> query() {
    return params.stream().filter(p -> p.in().equals("query")).toList();
  }

  List<Param> pathParams() {
    return params.stream().filter(p -> p.in().equals("path")).toList();
  }
}
