package io.microservicestack.gateway;

import io.microservicestack.common.Addresses;
import io.microservicestack.common.Problem;
import io.microservicestack.common.Subject;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.microservicestack.gateway.GatewayFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
@DisplayName("Identity at the gateway (AUTH_MODE=jwt)")
class AuthTest {

  private final Tokens.Key key = Tokens.Key.rsa("key-1");
  private final List<JsonObject> jwks = new CopyOnWriteArrayList<>();
  private final AtomicInteger jwksFetches = new AtomicInteger();
  /** The subject header each request reached the user service with ("-" when none). */
  private final List<String> userSawSubject = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private WebClient web;
  private int jwksPort;
  private int userPort;
  private int slackPort;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    this.web = GatewayFixture.web(vertx);
    jwks.add(key.jwk());
    Router idp = Router.router(vertx);
    idp.get("/jwks").handler(ctx -> {
      jwksFetches.incrementAndGet();
      ctx.json(new JsonObject().put("keys", new JsonArray(List.copyOf(jwks))));
    });
    jwksPort = GatewayFixture.fakeServer(vertx, idp).actualPort();
    Router user = Router.router(vertx);
    user.post("/users").handler(ctx -> {
      userSawSubject.add(ctx.request().getHeader(Subject.HTTP_HEADER) == null ? "-" : ctx.request().getHeader(Subject.HTTP_HEADER));
      GatewayFixture.created(ctx);
    });
    user.post("/user").handler(GatewayFixture::created);
    userPort = GatewayFixture.fakeServer(vertx, user).actualPort();
    Router slack = Router.router(vertx);
    slack.get("/messages").handler(ctx -> ctx.json(GatewayFixture.messagePage()));
    slack.post("/").handler(ctx -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
      .end(new JsonObject().put("channel", "general").put("message", "hi").encode()));
    slackPort = GatewayFixture.fakeServer(vertx, slack).actualPort();
  }

  private JsonObject jwtConfig() {
    return GatewayFixture.config(vertx)
      .put("userPort", userPort)
      .put("slackPort", slackPort)
      .put("authMode", "jwt")
      .put("jwtJwksUrl", "http://127.0.0.1:" + jwksPort + "/jwks")
      .put("jwksRefreshMs", 0);
  }

  private int gateway(JsonObject config) {
    return GatewayFixture.deploy(vertx, config).actualPort();
  }

  private HttpResponse<Buffer> createUser(int port, String token) {
    HttpRequest<Buffer> request = web.post(port, "127.0.0.1", "/users");
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return await(request.sendJsonObject(new JsonObject().put("name", "Ada").put("email", "ada@example.com")));
  }

  /** A missing token and one that is not valid get the same answer. */
  private static void assertUnauthorized(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.getHeader("Content-Type")).isEqualTo(Problem.CONTENT_TYPE);
    assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"gateway\", error=\"invalid_token\"");
    assertThat(response.bodyAsJsonObject().getString("detail")).isEqualTo("A valid bearer token is required");
  }

  @Test
  @DisplayName("A token with users:write creates a user; the user service sees the verified subject, not the one the client sent.")
  void validTokenPassesWithItsSubject() {
    int port = gateway(jwtConfig());
    String token = key.sign(Tokens.claims("ada", "users:read users:write"));

    HttpResponse<Buffer> response = await(web.post(port, "127.0.0.1", "/users")
      .bearerTokenAuthentication(token)
      .putHeader(Subject.HTTP_HEADER, "mallory")
      .sendJsonObject(new JsonObject().put("name", "Ada").put("email", "ada@example.com")));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(userSawSubject).containsExactly("ada");
  }

  @Test
  @DisplayName("Without a token a protected route is 401 problem+json with an invalid_token challenge (like a bad token), and the upstream is never called.")
  void missingToken() {
    int port = gateway(jwtConfig());

    assertUnauthorized(createUser(port, null));
    assertUnauthorized(await(web.get(port, "127.0.0.1", "/messages").send()));
    assertThat(userSawSubject).isEmpty();
  }

  @Test
  @DisplayName("Expired, not-yet-valid, forged, tampered, unsigned, wrong-audience, wrong-issuer, exp-less and key-confused tokens are all 401 invalid_token.")
  void forgedTokens() {
    int port = gateway(jwtConfig().put("jwtAudience", "stack-api").put("jwtIssuer", "https://idp.example"));
    JsonObject good = Tokens.claims("ada", "users:write").put("aud", "stack-api").put("iss", "https://idp.example");
    long now = Instant.now().getEpochSecond();
    Tokens.Key impostor = Tokens.Key.rsa("key-1");
    JsonObject rsHeader = new JsonObject().put("alg", "RS256").put("typ", "JWT").put("kid", "key-1");

    assertThat(createUser(port, key.sign(good)).statusCode()).as("the control token").isEqualTo(201);
    List<String> forged = List.of(
      key.sign(good.copy().put("exp", now - 3_600)),
      key.sign(good.copy().put("nbf", now + 3_600)),
      impostor.sign(good),
      Tokens.tampered(key.sign(good), good.copy().put("sub", "root").put("scope", "users:write users:read")),
      Tokens.unsigned(good),
      Tokens.unsigned(good).replaceAll("\\.$", ""),
      key.sign(good.copy().put("aud", "another-api")),
      key.sign(good.copy().put("iss", "https://evil.example")),
      key.sign(good.copy().put("exp", (Object) null)),
      key.sign(good.copy().put("sub", (Object) null)),
      Tokens.hs256(rsHeader, good, key.publicPem().getBytes(StandardCharsets.US_ASCII)),
      Tokens.hs256(rsHeader, good, key.pair().getPublic().getEncoded()),
      "not-a-token",
      "a.b.c");
    for (String token : forged) {
      assertUnauthorized(createUser(port, token));
    }
    assertThat(userSawSubject).containsExactly("ada");
  }

  @Test
  @DisplayName("A token without the route's scope is 403 insufficient_scope; the scp array form grants scopes too.")
  void scopesPerRoute() {
    int port = gateway(jwtConfig());
    String reader = key.sign(Tokens.claims("ada", "users:read"));
    String writer = key.sign(Tokens.claims("bob", null).put("scp", new JsonArray().add("users:write").add("messages:write")));

    HttpResponse<Buffer> denied = createUser(port, reader);
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.getHeader("Content-Type")).isEqualTo(Problem.CONTENT_TYPE);
    assertThat(denied.getHeader("WWW-Authenticate")).contains("error=\"insufficient_scope\"").contains("scope=\"users:write\"");
    assertThat(createUser(port, writer).statusCode()).isEqualTo(201);
    assertThat(status(web.post(port, "127.0.0.1", "/user").bearerTokenAuthentication(reader))).isEqualTo(403);
    assertThat(status(web.post(port, "127.0.0.1", "/messages").bearerTokenAuthentication(reader))).isEqualTo(403);
    assertThat(status(web.post(port, "127.0.0.1", "/messages").bearerTokenAuthentication(writer))).isEqualTo(201);
    assertThat(status(web.get(port, "127.0.0.1", "/messages").bearerTokenAuthentication(writer))).isEqualTo(403);
    assertThat(status(web.get(port, "127.0.0.1", "/messages").bearerTokenAuthentication(reader))).isEqualTo(200);
    assertThat(status(web.get(port, "127.0.0.1", "/users").bearerTokenAuthentication(writer))).isEqualTo(403);
    assertThat(status(web.get(port, "127.0.0.1", "/users/1").bearerTokenAuthentication(writer))).isEqualTo(403);
  }

  @Test
  @DisplayName("The ping, the health probes and the page need no token.")
  void publicRoutes() {
    int port = gateway(jwtConfig());

    for (String uri : List.of("/ping", "/health/live", "/health/ready", "/")) {
      assertThat(status(web.get(port, "127.0.0.1", uri))).as(uri).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("The first token signed with a key the provider just rotated in is accepted: an unknown kid fetches the JWKS again.")
  void keyRotation() {
    int port = gateway(jwtConfig());
    Tokens.Key rotated = Tokens.Key.rsa("key-2");
    int fetchesBefore = jwksFetches.get();
    jwks.add(rotated.jwk());

    assertThat(createUser(port, rotated.sign(Tokens.claims("ada", "users:write"))).statusCode()).isEqualTo(201);
    assertThat(jwksFetches.get()).isEqualTo(fetchesBefore + 1);
    assertThat(createUser(port, key.sign(Tokens.claims("bob", "users:write"))).statusCode()).as("the old key still verifies").isEqualTo(201);
    assertThat(jwksFetches.get()).as("known kids fetch nothing").isEqualTo(fetchesBefore + 1);
  }

  @Test
  @DisplayName("Unknown kids do not fetch the JWKS more than once per JWKS_REFRESH_MS.")
  void refetchFloor() {
    int port = gateway(jwtConfig().put("jwksRefreshMs", 3_600_000));
    int fetchesBefore = jwksFetches.get();

    for (int i = 0; i < 3; i++) {
      assertUnauthorized(createUser(port, Tokens.Key.rsa("unknown-" + i).sign(Tokens.claims("eve", "users:write"))));
    }
    assertThat(jwksFetches.get()).isEqualTo(fetchesBefore);
  }

  @Test
  @DisplayName("With a PEM public key (ES256) and with an HS256 secret, tokens signed by the matching key pass and others do not.")
  void pemAndSecret() {
    Tokens.Key ec = Tokens.Key.ec("any");
    int pemPort = gateway(GatewayFixture.config(vertx).put("userPort", userPort).put("authMode", "jwt").put("jwtPublicKey", ec.publicPem()));
    assertThat(createUser(pemPort, ec.sign(Tokens.claims("ada", "users:write"))).statusCode()).isEqualTo(201);
    assertUnauthorized(createUser(pemPort, Tokens.Key.ec("any").sign(Tokens.claims("ada", "users:write"))));

    byte[] secret = "a-development-secret-of-32-bytes!".getBytes(StandardCharsets.UTF_8);
    int hsPort = gateway(GatewayFixture.config(vertx).put("userPort", userPort).put("authMode", "jwt").put("jwtSecret", new String(secret, StandardCharsets.UTF_8)));
    JsonObject header = new JsonObject().put("typ", "JWT");
    assertThat(createUser(hsPort, Tokens.hs256(header, Tokens.claims("ada", "users:write"), secret)).statusCode()).isEqualTo(201);
    assertUnauthorized(createUser(hsPort, Tokens.hs256(header, Tokens.claims("ada", "users:write"), "another".getBytes())));
    assertThat(userSawSubject).containsExactly("ada", "ada");
  }

  @Test
  @DisplayName("AUTH_MODE=jwt without any key refuses to start, naming the settings; an unknown mode names AUTH_MODE.")
  void refusesToStartWithoutKey() {
    assertThatThrownBy(() -> GatewayFixture.deploy(vertx, GatewayFixture.config(vertx).put("authMode", "jwt")))
      .hasStackTraceContaining("JWT_JWKS_URL").hasStackTraceContaining("JWT_PUBLIC_KEY").hasStackTraceContaining("JWT_SECRET");
    assertThatThrownBy(() -> GatewayConfig.fromJson(new JsonObject().put("authMode", "basic"))).hasMessageContaining("AUTH_MODE");
  }

  @Test
  @DisplayName("An RPC route passes the verified subject on as the event bus message's subject header.")
  void rpcCarriesSubject() {
    MessageConsumer<JsonObject> users = vertx.eventBus().consumer(Addresses.USERS_GET,
      message -> message.reply(GatewayFixture.user(1).put("by", message.headers().get(Subject.BUS_HEADER))));
    await(users.completion());
    int port = gateway(jwtConfig());

    HttpResponse<Buffer> response = await(web.get(port, "127.0.0.1", "/users/1")
      .bearerTokenAuthentication(key.sign(Tokens.claims("ada", "users:read"))).send());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("by")).isEqualTo("ada");
  }

  @Nested
  @DisplayName("The websocket feed")
  class Websocket {

    private int port;
    private WebSocketClient client;
    private final String token = key.sign(Tokens.claims("ada", "users:read"));

    @BeforeEach
    void start() {
      await(vertx.deployVerticle(new FakeUserBus(0), new DeploymentOptions()));
      port = gateway(jwtConfig());
      client = vertx.createWebSocketClient();
    }

    private WebSocket connect(WebSocketConnectOptions options) {
      return await(client.connect(options.setHost("127.0.0.1").setPort(port)));
    }

    private int rejected(WebSocketConnectOptions options) {
      return rejection(options).getStatus();
    }

    /** The refused upgrade, whose answer is checked against the contract as any other. */
    private UpgradeRejectedException rejection(WebSocketConnectOptions options) {
      Throwable failure = catchFailure(options);
      GatewayFixture.refusedUpgrade(failure, options.getURI());
      return (UpgradeRejectedException) failure;
    }

    private Throwable catchFailure(WebSocketConnectOptions options) {
      try {
        connect(options).close();
        return null;
      } catch (AssertionError e) {
        return e.getCause();
      } catch (RuntimeException e) {
        return e;
      }
    }

    @Test
    @DisplayName("connects with the token in the Authorization header, a subprotocol offer, or access_token, and is 401 invalid_token without one.")
    void tokenPlaces() {
      connect(new WebSocketConnectOptions().setURI("/ws/users").addHeader("Authorization", "Bearer " + token)).close();
      WebSocket offered = connect(new WebSocketConnectOptions().setURI("/ws/users")
        .setSubProtocols(List.of(EdgeGuard.WS_PROTOCOL, EdgeGuard.WS_BEARER_PREFIX + token)));
      assertThat(offered.subProtocol()).isEqualTo(EdgeGuard.WS_PROTOCOL);
      offered.close();
      connect(new WebSocketConnectOptions().setURI("/ws/users?access_token=" + token)).close();

      UpgradeRejectedException missing = rejection(new WebSocketConnectOptions().setURI("/ws/users"));
      assertThat(missing.getStatus()).isEqualTo(401);
      assertThat(missing.getHeaders().get("WWW-Authenticate")).isEqualTo("Bearer realm=\"gateway\", error=\"invalid_token\"");
      assertThat(rejected(new WebSocketConnectOptions().setURI("/ws/users?access_token=" + token + "x"))).isEqualTo(401);
      assertThat(rejected(new WebSocketConnectOptions().setURI("/ws/users")
        .addHeader("Authorization", "Bearer " + key.sign(Tokens.claims("ada", "users:write"))))).isEqualTo(403);
    }

    @Test
    @DisplayName("from a foreign Origin is 403; from the gateway's own origin it connects.")
    void origin() {
      assertThat(rejected(new WebSocketConnectOptions().setURI("/ws/users?access_token=" + token)
        .addHeader("Origin", "https://evil.example"))).isEqualTo(403);
      connect(new WebSocketConnectOptions().setURI("/ws/users?access_token=" + token)
        .addHeader("Origin", "http://127.0.0.1:" + port)).close();
    }
  }

  private static int status(HttpRequest<Buffer> request) {
    return await(request.sendJsonObject(new JsonObject().put("name", "Ada").put("email", "ada@example.com")
      .put("channel", "general").put("message", "hi"))).statusCode();
  }
}
