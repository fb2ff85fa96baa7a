package io.microservicestack.slack;

import io.microservicestack.common.testing.BadBodies;
import io.microservicestack.common.testing.BadBodies.BadBody;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.microservicestack.slack.SlackTestSupport.await;
import static io.microservicestack.slack.SlackTestSupport.get;
import static io.microservicestack.slack.SlackTestSupport.messages;
import static io.microservicestack.slack.SlackTestSupport.postJson;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("The slack HTTP API")
class MessageRoutesTest {

  private static JsonObject config;
  private static int port;
  private static WebClient client;
  private static Redis redis;

  @BeforeAll
  static void deploy(Vertx vertx) {
    config = SlackTestSupport.config().put("consumeEvents", false);
    port = SlackTestSupport.deploy(vertx, config).actualPort();
    client = WebClient.create(vertx);
    redis = SlackTestSupport.redis(vertx);
  }

  @AfterAll
  static void cleanUp(Vertx vertx) {
    SlackTestSupport.cleanUp(vertx, config);
  }

  private static String channel() {
    return "#test-" + java.util.UUID.randomUUID();
  }

  private static JsonObject problem(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    return response.bodyAsJsonObject();
  }

  @Test
  @DisplayName("POST / stores the message at the head of its channel's Redis list and answers 201 with what it stored")
  void postStoresTheMessage() {
    String channel = channel();
    Instant before = Instant.now();
    HttpResponse<Buffer> response = postJson(client, port, new JsonObject().put("channel", channel).put("message", "User 7 created").encode());

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
    JsonObject created = response.bodyAsJsonObject();
    assertThat(created.getString("channel")).isEqualTo(channel);
    assertThat(created.getString("message")).isEqualTo("User 7 created");
    assertThat(created.getString("id")).isNotBlank();
    assertThat(Instant.parse(created.getString("createdAt"))).isAfterOrEqualTo(before.minusSeconds(1));

    String stored = await(redis.send(Request.cmd(Command.LINDEX).arg(config.getString("keyPrefix") + "messages:" + channel).arg(0))).toString();
    assertThat(new JsonObject(stored)).isEqualTo(created);
  }

  static Stream<Arguments> invalidBodies() {
    String tooLongChannel = "#" + "c".repeat(80);
    String tooLongMessage = "m".repeat(4001);
    return Stream.of(
      Arguments.of("the channel is missing", new JsonObject().put("message", "hi"), "channel", "is required"),
      Arguments.of("the message is missing", new JsonObject().put("channel", "#a"), "message", "is required"),
      Arguments.of("the channel is null", new JsonObject().putNull("channel").put("message", "hi"), "channel", "is required"),
      Arguments.of("the channel is a number", new JsonObject().put("channel", 12).put("message", "hi"), "channel", "must be a string"),
      Arguments.of("the message is an object", new JsonObject().put("channel", "#a").put("message", new JsonObject()), "message", "must be a string"),
      Arguments.of("the channel is blank", new JsonObject().put("channel", "  ").put("message", "hi"), "channel", "must not be blank"),
      Arguments.of("the message is empty", new JsonObject().put("channel", "#a").put("message", ""), "message", "must not be blank"),
      Arguments.of("the channel is longer than 80 characters", new JsonObject().put("channel", tooLongChannel).put("message", "hi"), "channel", "must be at most 80 characters"),
      Arguments.of("the message is longer than 4000 characters", new JsonObject().put("channel", "#a").put("message", tooLongMessage), "message", "must be at most 4000 characters"));
  }

  @ParameterizedTest(name = "POST / answers 400 naming the field when {0}")
  @MethodSource("invalidBodies")
  @DisplayName("POST / answers 400 problem+json naming each invalid field")
  void postRejectsInvalidFields(String why, JsonObject body, String field, String expected) {
    JsonObject problem = problem(postJson(client, port, body.encode()), 400);

    assertThat(problem.getJsonObject("errors").getJsonArray(field).getList()).containsExactly(expected);
    assertThat(problem.getString("detail")).contains(field);
  }

  @Test
  @DisplayName("POST / names both fields when both are missing, and stores nothing")
  void postNamesEveryInvalidField() {
    JsonObject problem = problem(postJson(client, port, "{}"), 400);

    assertThat(problem.getJsonObject("errors").fieldNames()).containsExactlyInAnyOrder("channel", "message");
  }

  @Test
  @DisplayName("POST / accepts a message of exactly 4000 characters to a channel of exactly 80")
  void postAcceptsTheLimits() {
    String channel = "#" + "x".repeat(79);
    HttpResponse<Buffer> response = postJson(client, port, new JsonObject().put("channel", channel).put("message", "m".repeat(4000)).encode());

    assertThat(response.statusCode()).isEqualTo(201);
  }

  @ParameterizedTest(name = "POST / answers 400 when the body is {0}")
  @ValueSource(strings = {"{\"channel\": \"#a\", ", "[1, 2]", "\"text\"", "not json"})
  @DisplayName("POST / answers 400 when the body is not a JSON object")
  void postRejectsMalformedJson(String body) {
    JsonObject problem = problem(postJson(client, port, body), 400);

    assertThat(problem.getString("title")).isEqualTo("Bad Request");
  }

  static Stream<BadBody> badBodies() {
    int cases = BadBodies.of(new JsonObject().put("channel", "#a").put("message", "hello"), "message").size();
    // each case with a channel of its own, so that "nothing was stored" is that channel staying empty
    return IntStream.range(0, cases).mapToObj(i ->
      BadBodies.of(new JsonObject().put("channel", channel()).put("message", "hello"), "message").get(i));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  @DisplayName("POST / answers 400 to a body a strict JSON parser or UTF-8 decoder refuses, or a message with a refused character, and stores nothing")
  void postRefusesBadBodies(BadBody body) {
    HttpResponse<Buffer> response = await(client.post(port, "127.0.0.1", "/").putHeader("Content-Type", "application/json")
      .sendBuffer(body.buffer()));

    JsonObject problem = problem(response, 400);
    if (body.field() != null) {
      assertThat(problem.getJsonObject("errors").fieldNames()).containsExactly(body.field());
    }
    String channel = new String(body.bytes(), StandardCharsets.ISO_8859_1).replaceAll("(?s).*[\"']channel[\"']:[\"']([^\"']+)[\"'].*", "$1");
    assertThat(messages(client, port, channel, 10)).as("messages of " + channel).isEmpty();
  }

  @Test
  @DisplayName("POST / keeps a message's tabs and line breaks, and stores its text in NFC")
  void postKeepsMultilineText() {
    String channel = channel();
    HttpResponse<Buffer> response = postJson(client, port,
      new JsonObject().put("channel", channel).put("message", "line 1\r\n\tline 2 Zoe\u0308").encode());

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(messages(client, port, channel, 10)).singleElement()
      .satisfies(m -> assertThat(m.getString("message")).isEqualTo("line 1\r\n\tline 2 Zo\u00eb"));
  }

  @ParameterizedTest(name = "GET {0}")
  @ValueSource(strings = {"/messages?channel=%", "/messages?channel=%ZZ", "/messages?channel=%00", "/messages?channel=%E2%80%AE",
    "/messages?channel=%23a%0Ab", "/messages?channel=%23a&limit=%", "/messages?channel=%23a&offset=2147483648",
    "/messages?channel=%23a&limit=99999999999999999999"})
  @DisplayName("GET /messages answers 400, never 5xx, to a malformed or refused query parameter")
  void getRefusesBadQueries(String uri) {
    problem(get(client, port, uri), 400);
  }

  @Test
  @DisplayName("POST / answers 415 when the content type is not JSON")
  void postRejectsOtherContentTypes() {
    HttpResponse<Buffer> response = await(client.post(port, "127.0.0.1", "/").putHeader("Content-Type", "text/plain")
      .sendBuffer(Buffer.buffer("{\"channel\":\"#a\",\"message\":\"hi\"}")));

    problem(response, 415);
  }

  @Test
  @DisplayName("POST / answers 413 when the body is larger than 16 KiB")
  void postRejectsOversizedBodies() {
    String body = new JsonObject().put("channel", "#a").put("message", "m".repeat(17 * 1024)).encode();

    problem(postJson(client, port, body), 413);
  }

  @Test
  @DisplayName("GET /messages answers the newest messages first, exactly limit of them, and pages with offset")
  void listPagesNewestFirst() {
    String channel = channel();
    for (int i = 1; i <= 12; i++) {
      assertThat(postJson(client, port, new JsonObject().put("channel", channel).put("message", "m" + i).encode()).statusCode()).isEqualTo(201);
    }

    HttpResponse<Buffer> first = get(client, port, "/messages?channel=" + SlackTestSupport.encode(channel) + "&limit=5");
    HttpResponse<Buffer> second = get(client, port, "/messages?channel=" + SlackTestSupport.encode(channel) + "&limit=5&offset=5");
    HttpResponse<Buffer> last = get(client, port, "/messages?channel=" + SlackTestSupport.encode(channel) + "&limit=5&offset=10");

    assertThat(first.statusCode()).isEqualTo(200);
    JsonObject page = first.bodyAsJsonObject();
    assertThat(page.getString("channel")).isEqualTo(channel);
    assertThat(page.getInteger("limit")).isEqualTo(5);
    assertThat(page.getInteger("offset")).isZero();
    assertThat(texts(page)).containsExactly("m12", "m11", "m10", "m9", "m8");
    assertThat(texts(second.bodyAsJsonObject())).containsExactly("m7", "m6", "m5", "m4", "m3");
    assertThat(texts(last.bodyAsJsonObject())).containsExactly("m2", "m1");
  }

  @Test
  @DisplayName("GET /messages answers 10 messages when no limit is given")
  void listDefaultsToTen() {
    String channel = channel();
    for (int i = 1; i <= 11; i++) {
      postJson(client, port, new JsonObject().put("channel", channel).put("message", "m" + i).encode());
    }

    JsonObject page = get(client, port, "/messages?channel=" + SlackTestSupport.encode(channel)).bodyAsJsonObject();

    assertThat(page.getInteger("limit")).isEqualTo(10);
    assertThat(texts(page)).hasSize(10).first().isEqualTo("m11");
  }

  @Test
  @DisplayName("GET /messages answers an empty page for a channel without messages")
  void listOfAnEmptyChannel() {
    assertThat(messages(client, port, channel(), 10)).isEmpty();
  }

  @Test
  @DisplayName("GET /messages reads plain-text entries left by the original service")
  void listReadsLegacyEntries() {
    String channel = channel();
    await(redis.send(Request.cmd(Command.LPUSH).arg(config.getString("keyPrefix") + "messages:" + channel).arg("User 1 created")));

    List<JsonObject> items = messages(client, port, channel, 10);

    assertThat(items).containsExactly(new JsonObject().put("channel", channel).put("message", "User 1 created"));
  }

  @Test
  @DisplayName("GET /messages answers 400 when the channel is missing or blank")
  void listRequiresAChannel() {
    assertThat(problem(get(client, port, "/messages"), 400).getJsonObject("errors").getJsonArray("channel").getList())
      .containsExactly("is required");
    assertThat(problem(get(client, port, "/messages?channel=%20"), 400).getJsonObject("errors").containsKey("channel")).isTrue();
  }

  @ParameterizedTest(name = "GET /messages answers 400 for {0}")
  @ValueSource(strings = {"limit=0", "limit=-1", "limit=abc", "limit=101", "limit=1.5", "offset=-1", "offset=x", "limit="})
  @DisplayName("GET /messages answers 400 for a limit or offset out of range or not a number")
  void listRejectsBadNumbers(String parameter) {
    JsonObject problem = problem(get(client, port, "/messages?channel=%23a&" + parameter), 400);

    assertThat(problem.getJsonObject("errors").fieldNames()).containsExactly(parameter.substring(0, parameter.indexOf('=')));
  }

  @Test
  @DisplayName("GET /messages accepts the largest limit, 100")
  void listAcceptsTheLargestLimit() {
    assertThat(get(client, port, "/messages?channel=%23a&limit=100").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("GET /ping answers pong")
  void ping() {
    HttpResponse<Buffer> response = get(client, port, "/ping");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("response", "pong"));
  }

  @Test
  @DisplayName("An unknown path answers 404 problem+json")
  void unknownPath() {
    problem(get(client, port, "/nothing-here"), 404);
  }

  private static HttpResponse<Buffer> postWithKey(String key, JsonObject body) {
    return await(client.post(port, "127.0.0.1", "/").putHeader("Content-Type", "application/json")
      .putHeader("Idempotency-Key", key).sendBuffer(body.toBuffer()));
  }

  @Test
  @DisplayName("POST / with an Idempotency-Key seen before answers the first answer again and stores nothing new, whatever the body")
  void idempotencyKeyStoresOnce() {
    String channel = channel();
    String key = "evt-" + java.util.UUID.randomUUID();

    HttpResponse<Buffer> first = postWithKey(key, new JsonObject().put("channel", channel).put("message", "Welcome Ada!"));
    HttpResponse<Buffer> again = postWithKey(key, new JsonObject().put("channel", channel).put("message", "Welcome Ada!"));
    HttpResponse<Buffer> changed = postWithKey(key, new JsonObject().put("channel", channel).put("message", "something else"));
    HttpResponse<Buffer> otherKey = postWithKey(key + "-2", new JsonObject().put("channel", channel).put("message", "Welcome Ada!"));

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(first.getHeader("Idempotent-Replayed")).isNull();
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.getHeader("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
    assertThat(changed.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
    assertThat(otherKey.bodyAsJsonObject().getString("id")).isNotEqualTo(first.bodyAsJsonObject().getString("id"));
    assertThat(messages(client, port, channel, 10)).extracting(m -> m.getString("id"))
      .containsExactly(otherKey.bodyAsJsonObject().getString("id"), first.bodyAsJsonObject().getString("id"));
    long ttl = await(redis.send(Request.cmd(Command.TTL).arg(config.getString("keyPrefix") + "idempotency:" + key))).toLong();
    assertThat(ttl).isBetween(1L, MessageStore.IDEMPOTENCY_TTL_SECONDS);
  }

  @Test
  @DisplayName("Concurrent posts with one Idempotency-Key store one message and all answer it")
  void idempotencyKeyUnderConcurrency() {
    String channel = channel();
    String key = "evt-" + java.util.UUID.randomUUID();
    JsonObject body = new JsonObject().put("channel", channel).put("message", "Welcome Bob!");

    List<io.vertx.core.Future<HttpResponse<Buffer>>> posts = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      posts.add(client.post(port, "127.0.0.1", "/").putHeader("Content-Type", "application/json")
        .putHeader("Idempotency-Key", key).sendBuffer(body.toBuffer()));
    }
    List<String> ids = posts.stream().map(f -> await(f).bodyAsJsonObject().getString("id")).distinct().toList();

    assertThat(ids).hasSize(1);
    assertThat(messages(client, port, channel, 10)).hasSize(1);
  }

  @ParameterizedTest(name = "Idempotency-Key \"{0}\" is refused with a 400 naming the header")
  @ValueSource(strings = {"", "has space", "x"})
  void invalidIdempotencyKey(String key) {
    String value = key.equals("x") ? "k".repeat(256) : key;
    HttpResponse<Buffer> response = postWithKey(value, new JsonObject().put("channel", channel()).put("message", "hi"));

    assertThat(problem(response, 400).getJsonObject("errors").containsKey("Idempotency-Key")).isTrue();
  }

  private static List<String> texts(JsonObject page) {
    return page.getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("message")).toList();
  }
}
