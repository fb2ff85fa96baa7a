package io.microservicestack.stack;

import io.microservicestack.common.testing.BadBodies;
import io.microservicestack.common.testing.BadBodies.BadBody;
import io.microservicestack.stack.testing.InProcessStack;
import io.microservicestack.stack.testing.StackHttp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Bad input through the gateway")
class BadInputIT {

  private InProcessStack stack;

  @BeforeAll
  void start() {
    stack = InProcessStack.start("badinput");
  }

  @AfterAll
  void stop() {
    stack.close();
  }

  static List<BadBody> userBodies() {
    return BadBodies.of(new JsonObject().put("name", "Ada").put("email", "bad-input@example.com"), "name");
  }

  static List<BadBody> messageBodies() {
    return BadBodies.of(new JsonObject().put("channel", "#bad-input").put("message", "hello"), "message");
  }

  @ParameterizedTest(name = "POST /user with {0}")
  @MethodSource("userBodies")
  @DisplayName("The gateway passes a bad body to the user service unchanged, and the answer is a 400 problem; no user is created")
  void userBodies(BadBody body) throws Exception {
    HttpResponse<String> response = post("/user", body);

    assertBadRequest(response, body);
    assertThat(get("/users?limit=1").body()).as("users of the stack").contains("\"items\":[]");
  }

  @ParameterizedTest(name = "POST /messages with {0}")
  @MethodSource("messageBodies")
  @DisplayName("The gateway passes a bad body to the slack service unchanged, and the answer is a 400 problem; no message is stored")
  void messageBodies(BadBody body) throws Exception {
    HttpResponse<String> response = post("/messages", body);

    assertBadRequest(response, body);
    assertThat(get("/messages?channel=" + URLEncoder.encode("#bad-input", StandardCharsets.UTF_8)).body()).contains("\"items\":[]");
  }

  @ParameterizedTest(name = "POST {0} as text/plain")
  @ValueSource(strings = {"/user", "/users", "/messages"})
  @DisplayName("A body of another media type is a 415 problem, which the contract lists (it did not: found by GatewayFuzzIT)")
  void otherMediaType(String path) throws Exception {
    HttpResponse<String> response = StackHttp.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
      .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}")).timeout(Duration.ofSeconds(10))
      .build());

    assertThat(response.statusCode()).isEqualTo(415);
  }

  @ParameterizedTest(name = "GET {0}")
  @CsvSource({"/messages?channel=%23bad-input, 200", "/messages, 400", "/schemas/user.json, 200"})
  @DisplayName("GET /messages with its required channel (200) or without (400), and the user schema (application/schema+json) answer as the contract says (it named neither: found by GatewayFuzzIT)")
  void contractOfReads(String pathAndQuery, int status) throws Exception {
    HttpResponse<String> response = get(pathAndQuery); // checked against the contract by StackHttp

    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
  }

  private static void assertBadRequest(HttpResponse<String> response, BadBody body) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonObject problem = new JsonObject(response.body());
    if (body.field() != null) {
      assertThat(problem.getJsonObject("errors").fieldNames()).containsExactly(body.field());
    }
  }

  private HttpResponse<String> post(String path, BadBody body) throws Exception {
    return StackHttp.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
      .header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()))
      .timeout(Duration.ofSeconds(10))
      .build());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return StackHttp.get(stack.gatewayUrl() + path);
  }
}
