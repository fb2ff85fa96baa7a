package io.microservicestack.gateway;

import io.microservicestack.common.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
@DisplayName("The contract check of the gateway's answers (ContractAnswers)")
class ContractAnswersTest {

  private static final String PROBLEM = "application/problem+json";
  private static final String USER = "{\"id\":7,\"name\":\"Ada\",\"email\":\"ada@example.com\",\"createdAt\":\"2026-01-01T00:00:00Z\"}";

  @Test
  @DisplayName("Answers the contract lists pass: a user, a problem, a page with a query, a path that is no valid URI, a file of the console, a 405 of an unlisted method.")
  void listedAnswersPass() {
    assertThatCode(() -> {
      ContractAnswers.check("GET", "/ping", 200, "application/json", "{\"response\":\"pong\"}");
      ContractAnswers.check("GET", "/users/7", 200, "application/json; charset=utf-8", USER);
      ContractAnswers.check("POST", "/users", 201, "application/json", USER);
      ContractAnswers.check("GET", "/users/8", 404, PROBLEM, "{\"type\":\"about:blank\",\"status\":404,\"title\":\"Not Found\"}");
      ContractAnswers.check("GET", "/users/a b%zz?x=%", 400, PROBLEM, "{\"type\":\"about:blank\",\"status\":400,\"title\":\"Bad Request\"}");
      ContractAnswers.check("GET", "/users?after=0&limit=2", 200, "application/json", "{\"items\":[" + USER + "],\"next\":null}");
      ContractAnswers.check("GET", "/app.js", 200, "text/javascript", "console.log('hi')");
      ContractAnswers.check("DELETE", "/ping", 405, PROBLEM, "{\"type\":\"about:blank\",\"status\":405,\"title\":\"Method Not Allowed\"}");
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
      .isInstanceOf(AssertionError.class).hasMessageContaining("no status 204 for an operation it does not list");
    assertThatThrownBy(() -> ContractAnswers.check("DELETE", "/users/8", 405, "text/plain", "Method Not Allowed"))
      .isInstanceOf(AssertionError.class).hasMessageContaining("not text/plain");
    assertThatThrownBy(() -> ContractAnswers.check("POST", "/users", 201, null, ""))
      .as("a listed status without its body").isInstanceOf(AssertionError.class).hasMessageContaining("not null");
  }

  @Test
  @DisplayName("A web client made checking fails the request whose answer breaks the contract, and hands over one that keeps it.")
  void checkingWebClient(Vertx vertx) {
    Router router = Router.router(vertx);
    router.get("/ping").handler(ctx -> ctx.json(new io.vertx.core.json.JsonObject().put("response", "pong")));
    router.get("/users/:id").handler(ctx -> ctx.json(new io.vertx.core.json.JsonObject().put("id", 7)));
    int port = GatewayFixture.fakeServer(vertx, router).actualPort();
    WebClient web = GatewayFixture.web(vertx);

    assertThatCode(() -> Await.result(web.get(port, "127.0.0.1", "/ping").send())).doesNotThrowAnyException();
    assertThatThrownBy(() -> Await.result(web.get(port, "127.0.0.1", "/users/7").send()))
      .hasStackTraceContaining("the body breaks the contract's schema of getUser 200");
  }
}
