package io.microservicestack.slack;

import io.microservicestack.common.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.microservicestack.slack.SlackTestSupport.await;
import static io.microservicestack.slack.SlackTestSupport.get;
import static io.microservicestack.slack.SlackTestSupport.postJson;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("The slack event-bus RPC")
class SlackRpcTest {

  private static JsonObject config;
  private static int port;
  private static WebClient web;

  @BeforeAll
  static void deploy(Vertx vertx) {
    config = SlackTestSupport.config().put("consumeEvents", false);
    port = SlackTestSupport.deploy(vertx, config).actualPort();
    web = WebClient.create(vertx);
  }

  @AfterAll
  static void cleanUp(Vertx vertx) {
    SlackTestSupport.cleanUp(vertx, config);
  }

  @Test
  @DisplayName("slack.ping answers pong")
  void ping(Vertx vertx, VertxTestContext test) {
    vertx.eventBus().<JsonObject>request(Addresses.SLACK_PING, new JsonObject())
      .onComplete(test.succeeding(reply -> test.verify(() -> {
        assertThat(reply.body()).isEqualTo(new JsonObject().put("response", "pong"));
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("slack.messages answers the same JSON as GET /messages")
  void messagesAnswersLikeHttp(Vertx vertx) {
    String channel = "#rpc-" + java.util.UUID.randomUUID();
    for (int i = 1; i <= 3; i++) {
      assertThat(postJson(web, port, new JsonObject().put("channel", channel).put("message", "m" + i).encode()).statusCode()).isEqualTo(201);
    }

    Message<JsonObject> reply = await(vertx.eventBus().request(Addresses.SLACK_MESSAGES,
      new JsonObject().put("channel", channel).put("limit", 2).put("offset", 1)));
    JsonObject http = get(web, port, "/messages?channel=" + SlackTestSupport.encode(channel) + "&limit=2&offset=1").bodyAsJsonObject();

    assertThat(reply.body()).isEqualTo(http);
    assertThat(reply.body().getJsonArray("items")).hasSize(2);
    assertThat(reply.body().getJsonArray("items").getJsonObject(0).getString("message")).isEqualTo("m2");
  }

  @ParameterizedTest(name = "slack.messages fails with 400 for {0}")
  @ValueSource(strings = {"{}", "{\"channel\": 5}", "{\"channel\": \"#a\", \"limit\": 101}", "{\"channel\": \"#a\", \"limit\": \"x\"}",
    "{\"channel\": \"#a\", \"offset\": -1}", "{\"channel\": \"#a\", \"limit\": 2.5}"})
  @DisplayName("slack.messages fails with code 400 for bad input")
  void messagesRejectsBadInput(String body, Vertx vertx) {
    Throwable failure = await(vertx.eventBus().request(Addresses.SLACK_MESSAGES, new JsonObject(body))
      .map(reply -> (Throwable) null).otherwise(e -> e));

    assertThat(failure).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) failure).failureCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("slack.messages fails with code 400 when the body is not a JSON object")
  void messagesRejectsANonObjectBody(Vertx vertx) {
    Throwable failure = await(vertx.eventBus().request(Addresses.SLACK_MESSAGES, "#a")
      .map(reply -> (Throwable) null).otherwise(e -> e));

    assertThat(failure).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) failure).failureCode()).isEqualTo(400);
  }
}
