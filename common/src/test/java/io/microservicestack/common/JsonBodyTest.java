package io.microservicestack.common;

import io.microservicestack.common.testing.BadBodies;
import io.microservicestack.common.testing.BadBodies.BadBody;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Reading a JSON body or command strictly")
class JsonBodyTest {

  static List<BadBody> badJson() {
    return BadBodies.of(new JsonObject().put("name", "Ada").put("email", "ada@example.com"), "name").stream()
      .filter(body -> body.field() == null).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badJson")
  @DisplayName("Bytes that are not UTF-8 or not strict JSON are a 400 that says which")
  void refuses(BadBody body) {
    assertThatThrownBy(() -> JsonBody.object(body.buffer(), "The request body"))
      .isInstanceOfSatisfying(ProblemException.class, e -> {
        assertThat(e.problem().status()).isEqualTo(400);
        assertThat(e.problem().detail()).startsWith("The request body is not valid ");
      });
  }

  @Test
  @DisplayName("Valid JSON is read as it was sent: any script, emoji, escapes, nested values")
  void readsValidJson() {
    String text = "{\"name\":\"Zoë 😀 \\u00e9\\t\",\"tags\":[1,-2.5e3,true,null,{\"k\":\"\\ud83d\\ude00\"}]}";

    JsonObject json = JsonBody.object(Buffer.buffer(text.getBytes(StandardCharsets.UTF_8)), "The request body");

    assertThat(json.getString("name")).isEqualTo("Zoë 😀 é\t");
    assertThat(json.getJsonArray("tags").getJsonObject(4).getString("k")).isEqualTo("😀");
    assertThat(json.getJsonArray("tags").getValue(1)).isEqualTo(-2500.0);
  }

  @Test
  @DisplayName("An empty body and a JSON value that is not an object are 400s")
  void refusesEmptyAndNonObjects() {
    for (String text : List.of("", "  ", "[1]", "\"text\"", "null", "1")) {
      assertThatThrownBy(() -> JsonBody.object(Buffer.buffer(text), "The command"))
        .as(text)
        .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().status()).isEqualTo(400));
    }
  }

  @Test
  @DisplayName("Nesting deeper than 1000 levels is a 400, not a stack overflow")
  void refusesDeepNesting() {
    String deep = "{\"a\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";

    assertThatThrownBy(() -> JsonBody.object(Buffer.buffer(deep), "The request body"))
      .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().status()).isEqualTo(400));
  }
}
