package io.microservicestack.gateway;

import io.microservicestack.common.Problem;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static io.microservicestack.gateway.GatewayFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("The proxied routes")
class ProxyRoutesTest {

  /** What a fake upstream received. */
  record Seen(String method, String uri, String body, String contentType) {
  }

  private final Queue<Seen> userSeen = new ConcurrentLinkedQueue<>();
  private final Queue<Seen> slackSeen = new ConcurrentLinkedQueue<>();
  private Vertx vertx;
  private WebClient web;
  private HttpServer user;
  private HttpServer slack;

  @BeforeEach
  void startFakes(Vertx vertx) {
    this.vertx = vertx;
    this.web = GatewayFixture.web(vertx);
    user = GatewayFixture.fakeServer(vertx, userRouter(vertx));
    slack = GatewayFixture.fakeServer(vertx, slackRouter(vertx));
  }

  @ParameterizedTest(name = "POST {0}")
  @ValueSource(strings = {"/user", "/users"})
  @DisplayName("A create-user request goes to the user service on the same path, and its 201, Location, Content-Type and body come back unchanged.")
  void createUserIsProxied(String path) {
    int port = gateway(new JsonObject()).actualPort();
    JsonObject request = new JsonObject().put("name", "Ada").put("email", "ada@example.com");

    HttpResponse<Buffer> response = await(web.post(port, "127.0.0.1", path).sendJsonObject(request));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.getHeader("Location")).isEqualTo("/users/7");
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json; charset=utf-8");
    assertThat(response.getHeader("X-Upstream")).isEqualTo("user");
    assertThat(response.bodyAsJsonObject()).isEqualTo(request.copy().put("id", 7).put("createdAt", "2025-01-01T00:00:00Z"));
    assertThat(userSeen).containsExactly(new Seen("POST", path, request.encode(), "application/json"));
  }

  @Test
  @DisplayName("An error answer of the user service (409 problem+json) passes through with its status and content type.")
  void upstreamErrorsPassThrough() {
    int port = gateway(new JsonObject()).actualPort();

    HttpResponse<Buffer> response = await(web.post(port, "127.0.0.1", "/users")
      .sendJsonObject(new JsonObject().put("name", "Ada").put("email", "taken@example.com")));

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.getHeader("Content-Type")).isEqualTo(Problem.CONTENT_TYPE);
    assertThat(response.bodyAsJsonObject().getString("title")).isEqualTo("Conflict");
  }

  @Test
  @DisplayName("GET /messages goes to the slack service's GET /messages with the query string kept.")
  void listMessagesKeepsTheQuery() {
    int port = gateway(new JsonObject()).actualPort();

    HttpResponse<Buffer> response = await(web.get(port, "127.0.0.1", "/messages?channel=general&limit=5&offset=2").send());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("uri")).isEqualTo("/messages?channel=general&limit=5&offset=2");
    assertThat(slackSeen).extracting(Seen::method, Seen::uri).containsExactly(
      org.assertj.core.groups.Tuple.tuple("GET", "/messages?channel=general&limit=5&offset=2"));
  }

  @Test
  @DisplayName("POST /messages is rewritten to the slack service's POST /, with the body and its content type unchanged.")
  void postMessageIsRewritten() {
    int port = gateway(new JsonObject()).actualPort();
    JsonObject message = new JsonObject().put("channel", "general").put("message", "hello");

    HttpResponse<Buffer> response = await(web.post(port, "127.0.0.1", "/messages").sendJsonObject(message));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(slackSeen).containsExactly(new Seen("POST", "/", message.encode(), "application/json"));
  }

  @Test
  @DisplayName("A user service that cannot be reached is answered with a 503 problem+json naming it, without waiting for proxyTimeoutMs.")
  void unreachableUpstream() {
    // A proxy timeout far longer than the client waits: only an answer that does not wait for it arrives at all.
    int port = gateway(new JsonObject().put("userPort", GatewayFixture.closedPort(vertx)).put("proxyTimeoutMs", 600_000)).actualPort();

    HttpResponse<Buffer> response = await(web.post(port, "127.0.0.1", "/users")
      .sendJsonObject(new JsonObject().put("name", "Ada").put("email", "ada@example.com")));

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.getHeader("Content-Type")).isEqualTo(Problem.CONTENT_TYPE);
    assertThat(response.bodyAsJsonObject().getInteger("status")).isEqualTo(503);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("user service");
  }

  @Test
  @DisplayName("A slack service that never answers is answered with a 504 problem+json once proxyTimeoutMs has passed.")
  void slowUpstream() {
    Router hung = Router.router(vertx);
    hung.route().handler(ctx -> { });
    HttpServer hungSlack = GatewayFixture.fakeServer(vertx, hung);
    int port = gateway(new JsonObject().put("slackPort", hungSlack.actualPort()).put("proxyTimeoutMs", 400)).actualPort();

    long start = System.nanoTime();
    HttpResponse<Buffer> response = await(web.get(port, "127.0.0.1", "/messages?channel=general").send());
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(response.getHeader("Content-Type")).isEqualTo(Problem.CONTENT_TYPE);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("slack service").contains("400 ms");
    assertThat(elapsedMs).as("not before the 400 ms timeout").isGreaterThanOrEqualTo(350);
  }

  private GatewayVerticle gateway(JsonObject overrides) {
    JsonObject config = GatewayFixture.config(vertx)
      .put("userPort", user.actualPort())
      .put("slackPort", slack.actualPort())
      .mergeIn(overrides);
    return GatewayFixture.deploy(vertx, config);
  }

  private Router userRouter(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create());
    router.post("/user").handler(this::createUser);
    router.post("/users").handler(this::createUser);
    return router;
  }

  private void createUser(RoutingContext ctx) {
    userSeen.add(seen(ctx));
    JsonObject body = ctx.body().asJsonObject();
    if (body.getString("email").startsWith("taken")) {
      ctx.response().setStatusCode(409).putHeader("Content-Type", Problem.CONTENT_TYPE)
        .end(Problem.of(409, "Conflict", "email taken").toJson().encode());
      return;
    }
    ctx.response().setStatusCode(201)
      .putHeader("Location", "/users/7")
      .putHeader("Content-Type", "application/json; charset=utf-8")
      .putHeader("X-Upstream", "user")
      .end(body.copy().put("id", 7).put("createdAt", "2025-01-01T00:00:00Z").encode());
  }

  private Router slackRouter(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create());
    router.get("/messages").handler(ctx -> {
      slackSeen.add(seen(ctx));
      ctx.json(GatewayFixture.messagePage().put("uri", ctx.request().uri()));
    });
    router.post("/").handler(ctx -> {
      slackSeen.add(seen(ctx));
      ctx.response().setStatusCode(201);
      ctx.json(ctx.body().asJsonObject());
    });
    return router;
  }

  private static Seen seen(RoutingContext ctx) {
    String body = ctx.body().length() == 0 ? null : ctx.body().asString();
    return new Seen(ctx.request().method().name(), ctx.request().uri(), body, ctx.request().getHeader("Content-Type"));
  }
}
