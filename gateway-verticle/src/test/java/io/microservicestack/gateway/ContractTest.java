package io.microservicestack.gateway;

import io.microservicestack.common.Problem;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.VertxExtension;
import io.vertx.openapi.contract.OpenAPIContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.microservicestack.gateway.GatewayFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("The API contract (contracts/openapi.yaml)")
class ContractTest {

  /** Operational routes for probes and scrapers, deliberately not in the contract. */
  private static final Set<String> EXCLUDED = Set.of("GET /health/live", "GET /health/ready", "GET /metrics");

  private final List<String> received = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private WebClient web;
  private GatewayVerticle gateway;
  private int port;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    this.web = GatewayFixture.web(vertx);
    Router user = Router.router(vertx);
    user.post("/users").handler(BodyHandler.create()).handler(ctx -> {
      received.add(ctx.body().asString());
      GatewayFixture.created(ctx);
    });
    int userPort = GatewayFixture.fakeServer(vertx, user).actualPort();
    gateway = GatewayFixture.deploy(vertx, GatewayFixture.config(vertx).put("userPort", userPort));
    port = gateway.actualPort();
  }

  @Test
  @DisplayName("Every route the gateway serves is in the contract, and every operation of the contract is a route it serves.")
  void routesMatchContract() {
    OpenAPIContract contract = await(Contract.load(vertx)).openApi();
    Set<String> documented = new TreeSet<>();
    contract.operations().forEach(op -> documented.add(op.getHttpMethod() + " " + op.getOpenAPIPath()));
    Set<String> served = new TreeSet<>();
    for (Route route : gateway.router().getRoutes()) {
      if (route.getPath() == null || route.methods() == null) {
        continue;
      }
      String path = route.getPath().replaceAll(":(\\w+)", "{$1}");
      path = path.equals("/*") ? "/" : path.startsWith("/docs") ? "/docs" : path;
      for (HttpMethod method : route.methods()) {
        String operation = method + " " + path;
        if (!EXCLUDED.contains(operation)) {
          served.add(operation);
        }
      }
    }
    assertThat(served).as("served routes (left) vs contract operations").containsExactlyInAnyOrderElementsOf(documented);
  }

  @Test
  @DisplayName("A create-user body that breaks the schema is a 400 problem with errors by field and never reaches the user service.")
  void invalidBodyIsRefused() {
    HttpResponse<Buffer> response = await(web.post(port, "127.0.0.1", "/users")
      .sendJsonObject(new JsonObject().put("name", "").put("email", 42)));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.getHeader("Content-Type")).isEqualTo(Problem.CONTENT_TYPE);
    JsonObject errors = response.bodyAsJsonObject().getJsonObject("errors");
    assertThat(errors.fieldNames()).containsExactlyInAnyOrder("name", "email");
    assertThat(errors.getJsonArray("email").getList()).containsExactly("must be a string");
    assertThat(await(web.post(port, "127.0.0.1", "/users").sendJsonObject(new JsonObject().put("name", "Ada")))
      .bodyAsJsonObject().getJsonObject("errors").getJsonArray("email").getList()).containsExactly("is required");
    JsonObject sameWords = await(web.post(port, "127.0.0.1", "/users")
      .sendJsonObject(new JsonObject().put("name", " ").put("email", "not-an-email").put("extra", 1))).bodyAsJsonObject();
    assertThat(sameWords.getJsonObject("errors").getJsonArray("name").getList()).as("the user service's words").containsExactly("must not be blank");
    assertThat(sameWords.getJsonObject("errors").getJsonArray("email").getList()).containsExactly("must be a valid email address");
    assertThat(await(web.post(port, "127.0.0.1", "/users").sendJsonObject(new JsonObject().put("name", "x".repeat(65)).put("email", "a@b.c")))
      .bodyAsJsonObject().getJsonObject("errors").getJsonArray("name").getList()).containsExactly("must be at most 64 characters");
    assertThat(received).isEmpty();
  }

  @Test
  @DisplayName("A valid body is forwarded byte for byte; one over 16 KiB is 413; one that is not JSON is 415.")
  void validBodyIsForwarded() {
    String body = "{\"name\":\"Ada\",  \"email\":\"ada@example.com\"}";
    HttpResponse<Buffer> created = await(web.post(port, "127.0.0.1", "/users").putHeader("Content-Type", "application/json")
      .sendBuffer(Buffer.buffer(body)));
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(received).containsExactly(body);
    WebClient h2 = ContractAnswers.checking(WebClient.create(vertx, new WebClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)));
    HttpResponse<Buffer> overH2 = await(h2.post(port, "127.0.0.1", "/users").putHeader("Content-Type", "application/json")
      .sendBuffer(Buffer.buffer(body)));
    assertThat(overH2.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(overH2.statusCode()).as("HTTP/2 too").isEqualTo(201);
    assertThat(received).containsExactly(body, body);

    HttpResponse<Buffer> tooLarge = await(web.post(port, "127.0.0.1", "/users")
      .sendJsonObject(new JsonObject().put("name", "x".repeat(17 * 1024)).put("email", "a@b.c")));
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    HttpResponse<Buffer> notJson = await(web.post(port, "127.0.0.1", "/users").putHeader("Content-Type", "text/plain")
      .sendBuffer(Buffer.buffer("hello")));
    assertThat(notJson.statusCode()).isEqualTo(415);
    assertThat(received).hasSize(2);
  }

  @Test
  @DisplayName("The contract, the user schema and the docs page are served from the jar; the docs page loads Swagger UI from the gateway under its CSP.")
  void servedFromTheJar() {
    HttpResponse<Buffer> yaml = await(web.get(port, "127.0.0.1", "/openapi.yaml").send());
    assertThat(yaml.statusCode()).isEqualTo(200);
    assertThat(yaml.bodyAsString()).startsWith("openapi: 3.1.0").contains("$ref: 'schemas/user.json'");
    assertThat(await(web.get(port, "127.0.0.1", "/schemas/user.json").send()).bodyAsJsonObject().getString("title")).isEqualTo("User");

    HttpResponse<Buffer> docs = await(web.get(port, "127.0.0.1", "/docs/").send());
    assertThat(docs.statusCode()).isEqualTo(200);
    assertThat(docs.getHeader("Content-Security-Policy")).isEqualTo(PageHeaders.CONTENT_SECURITY_POLICY);
    assertThat(docs.bodyAsString()).contains("swagger-ui-bundle.js").contains("init.js").doesNotContain("<script>");
    for (String asset : List.of("/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css", "/docs/init.js")) {
      assertThat(await(web.get(port, "127.0.0.1", asset).send()).statusCode()).as(asset).isEqualTo(200);
    }
    assertThat(await(web.get(port, "127.0.0.1", "/docs").followRedirects(false).send()).statusCode()).isEqualTo(302);
  }
}
