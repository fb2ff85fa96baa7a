package io.microservicestack.bdd;

import io.cucumber.java.AfterAll;
import io.cucumber.java.Before;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import io.microservicestack.gateway.ContractAnswers;
import io.microservicestack.stack.testing.InProcessStack;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.opentest4j.TestAbortedException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Steps of {@code edge.feature}: a gateway of the scenarios' own, started once with {@code AUTH_MODE=jwt} and a
 * write budget, and tokens signed with its development secret, as {@code java -jar stack.jar token} signs them.
 */
public class EdgeSteps {

  private static final String SECRET = "bdd-edge-" + UUID.randomUUID();
  private static InProcessStack edge;
  private static int edgeWrites;

  private final ScenarioState state;
  private final List<HttpResponse<Buffer>> answers = new ArrayList<>();
  private String token;

  public EdgeSteps(ScenarioState state) {
    this.state = state;
  }

  /** The edge scenarios start a gateway of their own: not against a stack that is already running. */
  @Before("@edge")
  public void requireInProcess() {
    if (System.getProperty("BDD_BASE_URL", System.getenv("BDD_BASE_URL")) != null) {
      throw new TestAbortedException("Skipped: the edge scenarios start a gateway of their own with AUTH_MODE=jwt, "
        + "which they cannot do against BDD_BASE_URL");
    }
  }

  @AfterAll
  public static void stopEdge() {
    if (edge != null) {
      edge.close();
      edge = null;
    }
  }

  @Given("a gateway that requires tokens and allows {int} writes per minute per caller")
  public void aGatewayThatRequiresTokens(int writes) {
    if (edge == null || edgeWrites != writes) {
      stopEdge();
      edge = InProcessStack.start("bdd_edge", Map.of("AUTH_MODE", "jwt", "JWT_SECRET", SECRET,
        "RATE_LIMIT_WRITE", writes + "/1m"));
      edgeWrites = writes;
    }
  }

  @Given("I am signed in as {string} with the scope {string}")
  public void signedIn(String subject, String scope) {
    JWTAuth auth = JWTAuth.create(state.gateway().vertx(),
      new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    // A subject of this scenario alone: every scenario starts with a full budget.
    token = auth.generateToken(new JsonObject().put("sub", subject + "-" + UUID.randomUUID()).put("scope", scope),
      new JWTOptions().setAlgorithm("HS256").setExpiresInMinutes(5));
  }

  @When("I create a user without a token")
  public void createWithoutToken() {
    token = null;
    createUsers(1);
  }

  @When("I create a user with my token")
  public void createWithToken() {
    createUsers(1);
  }

  @When("I create {int} users with my token")
  public void createUsers(int count) {
    WebClient client = ContractAnswers.checking(WebClient.create(state.gateway().vertx()));
    for (int i = 0; i < count; i++) {
      HttpRequest<Buffer> request = client.post(edge.gatewayPort(), "127.0.0.1", "/users");
      if (token != null) {
        request.bearerTokenAuthentication(token);
      }
      HttpResponse<Buffer> response = GatewayClient.await(request.sendJsonObject(
        new JsonObject().put("name", "Edge").put("email", state.newEmail())), "POST /users at the edge");
      answers.add(response);
      state.answer(new Answer(response.statusCode(), response.getHeader("Content-Type"), response.getHeader("Location"),
        response.bodyAsString() == null ? "" : response.bodyAsString()));
    }
  }

  @Then("the gateway asks for a valid bearer token")
  public void asksForAToken() {
    HttpResponse<Buffer> last = answers.get(answers.size() - 1);
    assertThat(last.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"gateway\", error=\"invalid_token\"");
    assertThat(last.getHeader("Content-Type")).startsWith("application/problem+json");
  }

  @Then("the first {int} were created and the last is 429 Too Many Requests, saying when to retry")
  public void limited(int created) {
    assertThat(answers).hasSize(created + 1);
    assertThat(answers.subList(0, created)).allSatisfy(answer -> assertThat(answer.statusCode()).isEqualTo(201));
    HttpResponse<Buffer> last = answers.get(created);
    assertThat(last.statusCode()).isEqualTo(429);
    assertThat(last.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(Long.parseLong(last.getHeader("Retry-After"))).as("Retry-After").isPositive();
    assertThat(last.getHeader("RateLimit-Limit")).isEqualTo(String.valueOf(created));
    assertThat(last.getHeader("RateLimit-Remaining")).isEqualTo("0");
  }
}
