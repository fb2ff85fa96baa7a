package io.microservicestack.bdd;

import io.microservicestack.gateway.ContractAnswers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the scenarios use to talk to the stack: HTTP and the websocket feed of the gateway at a base URL, through
 * Vert.x's web and websocket clients on a Vert.x instance of their own, exactly as any outside client would. Every
 * HTTP answer is checked against the contract ({@link ContractAnswers}): one that breaks it fails the step.
 */
public final class GatewayClient {

  /** The longest a step waits for one answer. */
  static final long TIMEOUT_SECONDS = 10;

  private final Vertx vertx;
  private final WebClient http;
  private final WebSocketClient websockets;
  private final String host;
  private final int port;
  private final boolean ssl;
  private final String pathPrefix;
  /** The bearer token every request carries, or null (a gateway with AUTH_MODE=off). */
  private final String token;

  public GatewayClient(URI baseUrl) {
    this.vertx = Vertx.vertx();
    this.ssl = "https".equalsIgnoreCase(baseUrl.getScheme());
    this.host = baseUrl.getHost();
    this.port = baseUrl.getPort() != -1 ? baseUrl.getPort() : ssl ? 443 : 80;
    this.pathPrefix = baseUrl.getPath() == null ? "" : baseUrl.getPath().replaceAll("/+$", "");
    // Every answer is checked against contracts/openapi.yaml on the way (ContractAnswers).
    this.http = ContractAnswers.checking(WebClient.create(vertx, new WebClientOptions()
      .setDefaultHost(host)
      .setDefaultPort(port)
      .setSsl(ssl)
      .setUserAgent("microservice-stack-bdd")));
    this.websockets = vertx.createWebSocketClient();
    this.token = token(vertx);
  }

  /**
   * {@code BDD_TOKEN} when it is set; else, with {@code JWT_SECRET} set (the gateway's HS256 secret), a token minted
   * for the subject {@code bdd} with every scope; else none.
   */
  private static String token(Vertx vertx) {
    String given = setting("BDD_TOKEN");
    if (given != null) {
      return given;
    }
    String secret = setting("JWT_SECRET");
    if (secret == null) {
      return null;
    }
    JWTAuth auth = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    return auth.generateToken(new JsonObject().put("sub", "bdd").put("scope", "users:read users:write messages:write"),
      new JWTOptions().setAlgorithm("HS256").setExpiresInMinutes(60));
  }

  private static String setting(String name) {
    String value = System.getProperty(name, System.getenv(name));
    return value == null || value.isBlank() ? null : value;
  }

  /** {@code GET} of a path (with its query string) under the base URL. */
  public Answer get(String path) {
    return send(authorized(http.get(pathPrefix + path)), null);
  }

  /** {@code POST} of a JSON body to a path under the base URL. */
  public Answer postJson(String path, JsonObject body) {
    return send(authorized(http.post(pathPrefix + path)), body);
  }

  /** Opens the live feed {@code /ws/users}, from now on, or replaying every user after {@code since} first. */
  public LiveFeed watchUsers(Long since) {
    String uri = pathPrefix + "/ws/users" + (since == null ? "" : "?since=" + since);
    LiveFeed feed = new LiveFeed();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host).setPort(port).setSsl(ssl).setURI(uri);
    if (token != null) {
      options.addHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    }
    // The handlers go on as the connection completes, on its event loop: a feed that replays at once (?since) sends
    // its first frames right after the upgrade, before a test thread could set them after waiting.
    return await(websockets.connect(options).map(feed::attach), "connecting to " + uri);
  }

  /** The client's Vert.x instance, for the other clients of a scenario (AMQP). */
  public Vertx vertx() {
    return vertx;
  }

  public void close() {
    await(vertx.close(), "closing the client");
  }

  private HttpRequest<Buffer> authorized(HttpRequest<Buffer> request) {
    return token == null ? request : request.bearerTokenAuthentication(token);
  }

  private static Answer send(HttpRequest<Buffer> request, JsonObject body) {
    request.timeout(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    Future<HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendJsonObject(body);
    HttpResponse<Buffer> response = await(sent, request.method() + " " + request.uri());
    return new Answer(response.statusCode(), response.getHeader(HttpHeaders.CONTENT_TYPE.toString()),
      response.getHeader(HttpHeaders.LOCATION.toString()), response.bodyAsString() == null ? "" : response.bodyAsString());
  }

  /** The result of {@code future}, waiting on this (test) thread at most {@link #TIMEOUT_SECONDS}. */
  static <T> T await(Future<T> future, String what) {
    try {
      return future.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(what + ": nothing within " + TIMEOUT_SECONDS + " s", e);
    }
  }
}
