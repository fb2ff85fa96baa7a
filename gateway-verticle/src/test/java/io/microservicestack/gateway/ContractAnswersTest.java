package io.microservicestack.gateway;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The contract check of the gateway's answers (ContractAnswers)")
class ContractAnswersTest {

  private static final String PROBLEM = "application/problem+json";
  private static final String USER = "{\"id\":7,\"name\":\"Ada\",\"email\":\"ada@example.com\",\"createdAt\":\"2026-01-01T00:00:00Z\"}";

  @Test
  @DisplayName("Answers the contract lists pass: a user, a problem, a page with a query, a file of the console.")
  void listedAnswersPass() {
    assertThatCode(() -> {
      ContractAnswers.check("GET", "/ping", 200, "application/json", "{\"response\":\"pong\"}");
      ContractAnswers.check("GET", "/users/7", 200, "application/json; charset=utf-8", USER);
      ContractAnswers.check("POST", "/users", 201, "application/json", USER);
      ContractAnswers.check("GET", "/users/8", 404, PROBLEM, "{\"type\":\"about:blank\",\"status\":404,\"title\":\"Not Found\"}");
      ContractAnswers.check("GET", "/users?after=0&limit=2", 200, "application/json", "{\"items\":[" + USER + "],\"next\":null}");
      ContractAnswers.check("GET", "/app.js", 200, "text/javascript", "console.log('hi')");
      ContractAnswers.check("GET", "/metrics", 200, "text/plain", "not checked: operational");
    }).doesNotThrowAnyException();
  }

  @Test
  @DisplayName("A body that breaks the schema fails, naming the field.")
  void wrongBodyFails() {
    assertThatThrownBy(() -> ContractAnswers.check("GET", "/users/7", 200, "application/json", "{\"id\":7,\"name\":\"Ada\"}"))
      .isInstanceOf(AssertionError.class).hasMessageContaining("getUser 200").hasMessageContaining("email");
    assertThatThrownBy(() -> ContractAnswers.check("GET", "/ping", 200, "application/json", "{\"response\":\"ping\"}"))
      .isInstanceOf(AssertionError.class).hasMessageContaining("schema");
    assertThatThrownBy(() -> ContractAnswers.check("GET", "/users/8", 404, PROBLEM, "{\"status\":404}"))
      .as("a problem without type and title").isInstanceOf(AssertionError.class).hasMessageContaining("title");
    assertThatThrownBy(() -> ContractAnswers.check("GET", "/ping", 200, "application/json", "pong"))
      .isInstanceOf(AssertionError.class).hasMessageContaining("not JSON");
  }

  @Test
  @DisplayName("A status, a media type or a route the contract does not list for the operation fails.")
  void unlistedAnswersFail() {
    assertThatThrownBy(() -> ContractAnswers.check("GET", "/ping", 418, "application/json", "{}"))
      .isInstanceOf(AssertionError.class).hasMessageContaining("no status 418 for ping");
    assertThatThrownBy(() -> ContractAnswers.check("GET", "/users/8", 404, "text/html", "<h1>Not found</h1>"))
      .isInstanceOf(AssertionError.class).hasMessageContaining("not text/html");
    assertThatThrownBy(() -> ContractAnswers.check("DELETE", "/users/8", 204, null, ""))
      .isInstanceOf(AssertionError.class).hasMessageContaining("no operation DELETE /users/8");
    assertThatThrownBy(() -> ContractAnswers.check("POST", "/users", 201, null, ""))
      .as("a listed status without its body").isInstanceOf(AssertionError.class).hasMessageContaining("not null");
  }
}
