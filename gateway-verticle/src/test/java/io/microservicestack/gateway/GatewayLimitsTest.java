package io.microservicestack.gateway;

import io.microservicestack.common.ServiceHttp;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.microservicestack.gateway.GatewayFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

@ExtendWith(VertxExtension.class)
@DisplayName("The gateway's HTTP limits")
class GatewayLimitsTest {

  private Vertx vertx;
  /** What the fake user service received: "METHOD URI body", one per request. */
  private final Queue<String> upstream = new ConcurrentLinkedQueue<>();
  private int port;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    Router user = Router.router(vertx);
    user.route().handler(BodyHandler.create());
    user.route().handler(ctx -> {
      upstream.add(ctx.request().method() + " " + ctx.request().uri() + " " + (ctx.body().buffer() == null ? "" : ctx.body().asString()));
      ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").end("{}");
    });
    int userPort = GatewayFixture.fakeServer(vertx, user).actualPort();
    port = GatewayFixture.deploy(vertx, GatewayFixture.config(vertx).put("userPort", userPort).put("wsMaxPerClient", 2)).actualPort();
  }

  @Test
  @DisplayName("A request line of 4096 bytes is served; one byte more is answered 414 URI Too Long, problem+json")
  void uriLength() {
    String fits = requestLine(ServiceHttp.MAX_INITIAL_LINE_BYTES);
    String tooLong = requestLine(ServiceHttp.MAX_INITIAL_LINE_BYTES + 1);

    assertThat(raw(fits + "\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 404");
    // answered before the request line could be read, hence as HTTP/1.0
    assertThat(raw(tooLong + "\r\nHost: x\r\nConnection: close\r\n\r\n")).matches("(?s)HTTP/1\\.[01] 414 .*")
      .contains("application/problem+json").contains("\"status\":414");
  }

  @Test
  @DisplayName("Headers of 7 KiB are served; headers over 8 KiB are answered 431 Request Header Fields Too Large, problem+json")
  void headerSize() {
    assertThat(raw("GET /ping HTTP/1.1\r\nHost: x\r\nX-Pad: " + "p".repeat(7 * 1024) + "\r\nConnection: close\r\n\r\n"))
      .startsWith("HTTP/1.1 200");
    assertThat(raw("GET /ping HTTP/1.1\r\nHost: x\r\nX-Pad: " + "p".repeat(ServiceHttp.MAX_HEADER_BYTES) + "\r\nConnection: close\r\n\r\n"))
      .startsWith("HTTP/1.1 431").contains("application/problem+json").contains("\"status\":431");
  }

  static Stream<Arguments> smuggling() {
    String post = "POST /user HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
    String smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    String chunked = Integer.toHexString(smuggled.length()) + "\r\n" + smuggled + "\r\n0\r\n\r\n";
    return Stream.of(
      Arguments.of("Content-Length, then Transfer-Encoding: chunked ending at once (CL.TE)",
        post + "Content-Length: " + ("0\r\n\r\n" + smuggled).length() + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled),
      Arguments.of("Transfer-Encoding: chunked, then a Content-Length shorter than the chunks (TE.CL)",
        post + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n" + chunked),
      Arguments.of("two Content-Length values that disagree",
        post + "Content-Length: 2\r\nContent-Length: " + ("{}" + smuggled).length() + "\r\n\r\n{}" + smuggled),
      Arguments.of("an obfuscated Transfer-Encoding: xchunked",
        post + "Content-Length: 5\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + smuggled),
      Arguments.of("Transfer-Encoding: chunked, identity",
        post + "Content-Length: 5\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" + smuggled),
      Arguments.of("a space before the colon of Transfer-Encoding",
        post + "Content-Length: 5\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n" + smuggled));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smuggling")
  @DisplayName("Conflicting Content-Length and Transfer-Encoding never smuggle a request to the user service: the gateway refuses with 400, or the service sees one request")
  void noSmuggling(String name, String request) {
    String answer = raw(request + "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

    assertThat(upstream).as("what the user service received, for the answer " + firstLine(answer))
      .hasSizeLessThanOrEqualTo(1)
      .allMatch(received -> received.startsWith("POST /user "));
    if (upstream.isEmpty()) {
      assertThat(answer).startsWith("HTTP/1.1 400");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/ws/users?access_token=%ZZ", "/ws/users?last=%ZZ", "/ws/users?resume=%"})
  @DisplayName("A request to the websocket feed whose query is not valid percent-encoding is a 400 problem, not a 500 (found by GatewayFuzzIT)")
  void undecodableWebsocketQuery(String target) {
    String request = "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
    // with an Authorization header the feed's own parameters are read; without one the token is looked for in the query
    String withToken = request + "Authorization: Bearer x\r\n\r\n";

    // raw bytes: Vert.x's own clients never complete a request whose URI is not valid percent-encoding
    assertThat(raw(request + "\r\n")).startsWith("HTTP/1.1 400").contains("application/problem+json");
    assertThat(raw(withToken)).startsWith("HTTP/1.1 400").contains("application/problem+json");
  }

  @Test
  @DisplayName("A websocket data frame larger than 1 KiB closes the feed connection")
  void websocketFrameSize() {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket ws = await(client.connect(port, "127.0.0.1", "/ws/users"));
    Promise<Short> closed = Promise.promise();
    ws.closeHandler(v -> closed.tryComplete(ws.closeStatusCode()));

    ws.writeTextMessage("x".repeat(GatewayVerticle.MAX_WEBSOCKET_MESSAGE_BYTES + 1));

    // 1009 (message too big) when the close frame makes it out, else 1006 (the connection was dropped)
    assertThat(await(closed.future())).isIn((short) 1009, (short) 1006);
  }

  @Test
  @DisplayName("With wsMaxPerClient 2, a third websocket from one address is answered 429; once one closes, another is let in")
  void websocketsPerClient() {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(10));
    WebSocket first = await(client.connect(port, "127.0.0.1", "/ws/users"));
    await(client.connect(port, "127.0.0.1", "/ws/users"));

    Throwable refused = catchThrowable(() -> await(client.connect(port, "127.0.0.1", "/ws/users")));
    assertThat(GatewayFixture.refusedUpgrade(refused, "/ws/users")).isEqualTo(429);

    await(first.close());
    org.awaitility.Awaitility.await("a websocket let in after one closed").atMost(Duration.ofSeconds(5))
      .until(() -> client.connect(port, "127.0.0.1", "/ws/users").map(true).otherwise(false)
        .await(5, TimeUnit.SECONDS));
  }

  private static String requestLine(int length) {
    String head = "GET /";
    String tail = " HTTP/1.1";
    return head + "a".repeat(length - head.length() - tail.length()) + tail;
  }

  private static String firstLine(String answer) {
    return answer.isEmpty() ? "(none)" : answer.lines().findFirst().orElse("");
  }

  /** Sends {@code request} as raw bytes and returns everything answered until the gateway closes the connection. */
  private String raw(String request) {
    Promise<String> answer = Promise.promise();
    Buffer received = Buffer.buffer();
    NetSocket socket = await(vertx.createNetClient().connect(port, "127.0.0.1"));
    socket.handler(received::appendBuffer);
    socket.closeHandler(v -> answer.tryComplete(received.toString(StandardCharsets.ISO_8859_1)));
    socket.exceptionHandler(e -> answer.tryComplete(received.toString(StandardCharsets.ISO_8859_1)));
    socket.write(Buffer.buffer(request.getBytes(StandardCharsets.ISO_8859_1)));
    return await(answer.future());
  }
}
