package io.microservicestack.stack;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON Schemas of {@code contracts/schemas}, loaded once into one repository (so their {@code $ref}s between
 * files resolve), and assertions that a value the stack really sent matches one.
 */
final class Contracts {

  /** The base every schema's {@code $id} starts with. */
  static final String BASE_URI = "https://microservicestack.io/contracts/schemas/";
  /** The contracts folder, seen from the stack module (where Maven runs its tests). */
  static final Path DIR = Path.of("..", "contracts");

  private final SchemaRepository repository;

  private Contracts(SchemaRepository repository) {
    this.repository = repository;
  }

  static Contracts load() {
    JsonSchemaOptions options = new JsonSchemaOptions().setDraft(Draft.DRAFT7).setBaseUri(BASE_URI)
      .setOutputFormat(OutputFormat.Basic);
    SchemaRepository repository = SchemaRepository.create(options);
    for (Path file : schemaFiles()) {
      repository.dereference(BASE_URI + file.getFileName(), JsonSchema.of(read(file)));
    }
    return new Contracts(repository);
  }

  /** Every file of {@code contracts/schemas}. */
  static List<Path> schemaFiles() {
    try (Stream<Path> files = Files.list(DIR.resolve("schemas"))) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonObject read(Path file) {
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The outcome of validating {@code instance} against schema file {@code schema} (e.g. {@code user.json}). */
  OutputUnit validate(String schema, Object instance) {
    return repository.validator(BASE_URI + schema).validate(instance);
  }

  /** Fails, with the validator's errors, unless {@code instance} matches {@code schema}. */
  void assertValid(String schema, Object instance) {
    OutputUnit result = validate(schema, instance);
    assertThat(result.getValid())
      .as("%s against contracts/schemas/%s: %s", instance, schema, result.getErrors())
      .isTrue();
  }
}
