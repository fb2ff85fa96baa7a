package io.microservicestack.user;

import io.microservicestack.common.testing.BadBodies;
import io.microservicestack.common.testing.BadBodies.BadBody;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The user service's HTTP API")
class UserApiTest {

  private final UserFixture users = new UserFixture();

  @BeforeAll
  void deploy(Vertx vertx) throws Exception {
    users.deploy(vertx, users.config());
  }

  private HttpResponse<Buffer> post(String path, Object body) throws Exception {
    return users.client.post(path).putHeader("Content-Type", "application/json")
      .sendBuffer(Buffer.buffer(body.toString())).await(5, TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> get(String path) throws Exception {
    return users.client.get(path).send().await(5, TimeUnit.SECONDS);
  }

  private JsonObject create(String name, String email) throws Exception {
    HttpResponse<Buffer> response = post("/users", new JsonObject().put("name", name).put("email", email));
    assertThat(response.statusCode()).isEqualTo(201);
    return response.bodyAsJsonObject();
  }

  private static void assertProblem(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).as(response.bodyAsString()).isEqualTo("application/problem+json");
    assertThat(response.bodyAsJsonObject().getInteger("status")).isEqualTo(status);
    assertThat(response.bodyAsJsonObject().getString("title")).isNotBlank();
    assertThat(response.bodyAsJsonObject().getString("detail")).isNotBlank();
  }

  private JsonObject fieldErrors(JsonObject body) throws Exception {
    HttpResponse<Buffer> response = post("/user", body);
    assertProblem(response, 400);
    return response.bodyAsJsonObject().getJsonObject("errors");
  }

  @Test
  @DisplayName("POST /user (the original route) creates a user and answers 201 with its location and JSON")
  void createsThroughTheOriginalRoute() throws Exception {
    String email = UserFixture.uniqueEmail();
    HttpResponse<Buffer> response = post("/user", new JsonObject().put("name", "foo").put("email", email));

    assertThat(response.statusCode()).isEqualTo(201);
    JsonObject user = response.bodyAsJsonObject();
    assertThat(user.getLong("id")).isPositive();
    assertThat(user.getString("name")).isEqualTo("foo");
    assertThat(user.getString("email")).isEqualTo(email);
    assertThat(Instant.parse(user.getString("createdAt"))).isBefore(Instant.now().plusSeconds(60));
    assertThat(response.getHeader("Location")).isEqualTo("/users/" + user.getLong("id"));
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
  }

  @Test
  @DisplayName("POST /users creates a user that GET /users/{id} then returns")
  void createdUserCanBeRead() throws Exception {
    JsonObject created = create("Ada", UserFixture.uniqueEmail());

    HttpResponse<Buffer> response = get("/users/" + created.getLong("id"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(created);
  }

  @Test
  @DisplayName("Name and email are trimmed before they are stored")
  void trimsFields() throws Exception {
    String email = UserFixture.uniqueEmail();
    JsonObject created = create("  Grace  ", "  " + email + "\t");
    assertThat(created.getString("name")).isEqualTo("Grace");
    assertThat(created.getString("email")).isEqualTo(email);
  }

  @Test
  @DisplayName("Missing fields are both reported at once as 'is required'")
  void reportsMissingFields() throws Exception {
    JsonObject errors = fieldErrors(new JsonObject());
    assertThat(errors.getJsonArray("name")).containsExactly("is required");
    assertThat(errors.getJsonArray("email")).containsExactly("is required");
  }

  @Test
  @DisplayName("Fields that are not strings are rejected as 'must be a string'")
  void rejectsNonStrings() throws Exception {
    JsonObject errors = fieldErrors(new JsonObject().put("name", 42).put("email", new JsonArray().add("a@b.co")));
    assertThat(errors.getJsonArray("name")).containsExactly("must be a string");
    assertThat(errors.getJsonArray("email")).containsExactly("must be a string");
  }

  @Test
  @DisplayName("A blank name and a blank email are rejected")
  void rejectsBlank() throws Exception {
    JsonObject errors = fieldErrors(new JsonObject().put("name", "   ").put("email", " "));
    assertThat(errors.getJsonArray("name")).containsExactly("must not be blank");
    assertThat(errors.getJsonArray("email")).containsExactly("must not be blank");
  }

  @Test
  @DisplayName("A name of 65 characters is rejected and one of 64 is accepted")
  void limitsNameLength() throws Exception {
    JsonObject errors = fieldErrors(new JsonObject().put("name", "x".repeat(65)).put("email", UserFixture.uniqueEmail()));
    assertThat(errors.getJsonArray("name")).containsExactly("must be at most 64 characters");
    assertThat(errors.containsKey("email")).isFalse();

    assertThat(create("y".repeat(64), UserFixture.uniqueEmail()).getString("name")).hasSize(64);
  }

  @Test
  @DisplayName("An email that is not a valid address is rejected")
  void rejectsInvalidEmail() throws Exception {
    for (String email : new String[] {"plainaddress", "a@b", "@example.com", "a b@example.com", "a@@example.com", "a@-x.com"}) {
      JsonObject errors = fieldErrors(new JsonObject().put("name", "n").put("email", email));
      assertThat(errors.getJsonArray("email")).as(email).containsExactly("must be a valid email address");
    }
  }

  @Test
  @DisplayName("An email longer than 254 characters is rejected")
  void limitsEmailLength() throws Exception {
    String email = "a@" + "b".repeat(60) + "." + "c".repeat(60) + "." + "d".repeat(60) + "." + "e".repeat(60) + "." + "f".repeat(10) + ".com";
    assertThat(email.length()).isGreaterThan(254);
    JsonObject errors = fieldErrors(new JsonObject().put("name", "n").put("email", email));
    assertThat(errors.getJsonArray("email")).containsExactly("must be at most 254 characters");
  }

  @Test
  @DisplayName("A body that is not JSON, or JSON that is not an object, is a 400")
  void rejectsMalformedJson() throws Exception {
    assertProblem(post("/user", "{\"name\": "), 400);
    assertProblem(post("/user", new JsonArray().add(1)), 400);
    assertProblem(post("/user", ""), 400);
  }

  static Stream<BadBody> badBodies() {
    int cases = BadBodies.of(new JsonObject().put("name", "Ada").put("email", "a@example.com"), "name").size();
    // each case with an email of its own, so that "nothing was stored" can be checked by creating it afterwards
    return IntStream.range(0, cases).mapToObj(i ->
      BadBodies.of(new JsonObject().put("name", "Ada").put("email", UserFixture.uniqueEmail()), "name").get(i));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  @DisplayName("A body a strict JSON parser or UTF-8 decoder refuses, or text PostgreSQL cannot store as sent, is a 400 and stores nothing")
  void refusesBadBodies(BadBody body) throws Exception {
    HttpResponse<Buffer> response = users.client.post("/user").putHeader("Content-Type", "application/json")
      .sendBuffer(body.buffer()).await(5, TimeUnit.SECONDS);

    assertProblem(response, 400);
    if (body.field() != null) {
      assertThat(response.bodyAsJsonObject().getJsonObject("errors").fieldNames()).containsExactly(body.field());
    }
    String email = new String(body.bytes(), StandardCharsets.ISO_8859_1).replaceAll("(?s).*[\"']email[\"']:[\"']([^\"']+)[\"'].*", "$1");
    assertThat(create("Ada", email).getString("email")).as("the email was not taken").isEqualTo(email);
  }

  @Test
  @DisplayName("A name is stored in NFC: a decomposed 'e' + U+0308 comes back as the one character 'ë'")
  void storesNfc() throws Exception {
    JsonObject created = create("Zoe\u0308", UserFixture.uniqueEmail());

    assertThat(created.getString("name")).isEqualTo("Zo\u00eb");
    assertThat(get("/users/" + created.getLong("id")).bodyAsJsonObject().getString("name")).isEqualTo("Zo\u00eb");
  }

  @Test
  @DisplayName("A content type other than JSON is a 415")
  void rejectsOtherContentTypes() throws Exception {
    HttpResponse<Buffer> response = users.client.post("/user").putHeader("Content-Type", "text/plain")
      .sendBuffer(Buffer.buffer("{\"name\":\"a\",\"email\":\"a@example.com\"}")).await(5, TimeUnit.SECONDS);
    assertProblem(response, 415);
  }

  @Test
  @DisplayName("A body over 16 KiB is a 413")
  void rejectsLargeBodies() throws Exception {
    JsonObject body = new JsonObject().put("name", "n").put("email", UserFixture.uniqueEmail()).put("pad", "x".repeat(17 * 1024));
    assertProblem(post("/user", body), 413);
  }

  @Test
  @DisplayName("An email that exists in another case is a 409 and the first user is kept")
  void rejectsDuplicateEmails() throws Exception {
    String email = UserFixture.uniqueEmail();
    JsonObject first = create("first", email);

    HttpResponse<Buffer> response = post("/user", new JsonObject().put("name", "second").put("email", email.toUpperCase()));

    assertProblem(response, 409);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("already exists");
    assertThat(get("/users/" + first.getLong("id")).bodyAsJsonObject().getString("name")).isEqualTo("first");
  }

  @Test
  @DisplayName("An unknown id is a 404 and an id that is not a number is a 400")
  void answersUnknownIds() throws Exception {
    assertProblem(get("/users/999999999"), 404);
    assertProblem(get("/users/abc"), 400);
    assertProblem(get("/users/0"), 400);
  }

  @Test
  @DisplayName("GET /users pages through users in id order after the cursor")
  void pagesUsers() throws Exception {
    JsonObject a = create("a", UserFixture.uniqueEmail());
    JsonObject b = create("b", UserFixture.uniqueEmail());
    JsonObject c = create("c", UserFixture.uniqueEmail());

    JsonObject page = get("/users?after=" + a.getLong("id") + "&limit=1").bodyAsJsonObject();
    assertThat(page.getJsonArray("items")).containsExactly(b);
    assertThat(page.getLong("next")).isEqualTo(b.getLong("id"));

    JsonObject rest = get("/users?after=" + b.getLong("id") + "&limit=100").bodyAsJsonObject();
    assertThat(rest.getJsonArray("items").getJsonObject(0)).isEqualTo(c);
  }

  @Test
  @DisplayName("GET /users returns 20 users by default")
  void defaultLimit() throws Exception {
    for (int i = 0; i < 21; i++) {
      create("u" + i, UserFixture.uniqueEmail());
    }
    assertThat(get("/users").bodyAsJsonObject().getJsonArray("items")).hasSize(20);
  }

  @Test
  @DisplayName("Bad paging parameters and ids, malformed percent-encoding included, are a 400, never a 5xx")
  void rejectsBadPaging() throws Exception {
    for (String query : new String[] {"limit=0", "limit=101", "limit=x", "after=-1", "after=abc", "limit=1.5", "after=%",
      "after=%ZZ", "limit=%00", "after=9223372036854775808", "limit=99999999999999999999", "after=1e3"}) {
      assertProblem(get("/users?" + query), 400);
    }
    for (String path : new String[] {"/users/%", "/users/%FF", "/users/9223372036854775808", "/users/%00", "/users/1%0A"}) {
      assertProblem(get(path), 400);
    }
  }

  @Test
  @DisplayName("GET /ping answers pong and GET /health reports PostgreSQL up")
  void pingAndHealth() throws Exception {
    assertThat(get("/ping").bodyAsJsonObject()).isEqualTo(new JsonObject().put("response", "pong"));

    HttpResponse<Buffer> health = get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.bodyAsJsonObject().getString("status")).isEqualTo("UP");
    assertThat(health.bodyAsJsonObject().getJsonArray("checks").getJsonObject(0).getString("id")).isEqualTo("postgres");
  }

  @Test
  @DisplayName("An unknown route is a 404 problem")
  void unknownRoute() throws Exception {
    assertProblem(get("/nope"), 404);
  }
}
