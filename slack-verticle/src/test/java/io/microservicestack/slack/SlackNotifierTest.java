package io.microservicestack.slack;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static io.microservicestack.slack.SlackTestSupport.await;
import static io.microservicestack.slack.SlackTestSupport.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
@DisplayName("Posting to the Slack webhook")
class SlackNotifierTest {

  private FakeSlack slack;
  private SlackNotifier notifier;

  @BeforeEach
  void startFakeSlack(Vertx vertx) {
    slack = FakeSlack.start(vertx);
    notifier = SlackNotifier.create(vertx, SlackConfig.fromJson(new JsonObject()
      .put("slackWebhookUrl", slack.url()).put("slackMaxRetries", 3).put("slackBackoffMs", 50)));
  }

  @AfterEach
  void stop() {
    notifier.close();
    await(slack.close());
  }

  private static SlackMessage message() {
    return SlackMessage.create("#user", "User a@example.com created");
  }

  @Test
  @DisplayName("A message stored through POST / reaches the webhook as JSON {channel, text}")
  void postedMessageReachesTheWebhook(Vertx vertx) {
    JsonObject config = SlackTestSupport.config().put("consumeEvents", false).put("slackWebhookUrl", slack.url());
    try {
      int port = SlackTestSupport.deploy(vertx, config).actualPort();

      HttpResponse<Buffer> response = postJson(WebClient.create(vertx), port, "{\"channel\": \"#user\", \"message\": \"User 42 created\"}");

      assertThat(response.statusCode()).isEqualTo(201);
      await("the webhook receiving the message").atMost(Duration.ofSeconds(15)).until(() -> !slack.received().isEmpty());
      FakeSlack.Received received = slack.received().get(0);
      assertThat(received.method()).isEqualTo("POST");
      assertThat(received.path()).isEqualTo("/services/T000/B000/XXXX");
      assertThat(received.contentType()).startsWith("application/json");
      assertThat(received.body()).isEqualTo(new JsonObject().put("channel", "#user").put("text", "User 42 created"));
    } finally {
      SlackTestSupport.cleanUp(vertx, config);
    }
  }

  @Test
  @DisplayName("POST / answers 201 without waiting for a webhook that does not answer")
  void postDoesNotWaitForSlack(Vertx vertx) {
    slack.thenHang();
    JsonObject config = SlackTestSupport.config().put("consumeEvents", false).put("slackWebhookUrl", slack.url());
    try {
      int port = SlackTestSupport.deploy(vertx, config).actualPort();

      // The webhook never answers: a POST that waited for it would get no answer within the client's bound.
      HttpResponse<Buffer> response = postJson(WebClient.create(vertx), port, "{\"channel\": \"#user\", \"message\": \"hello\"}");

      assertThat(response.statusCode()).isEqualTo(201);
      await("the webhook receiving the message").atMost(Duration.ofSeconds(15)).until(() -> !slack.received().isEmpty());
    } finally {
      SlackTestSupport.cleanUp(vertx, config);
    }
  }

  @Test
  @DisplayName("A 500 from the webhook is retried, and the message is posted once it answers 200")
  void serverErrorIsRetried() {
    slack.thenAnswer(500, null);

    boolean posted = await(notifier.post(message()));

    assertThat(posted).isTrue();
    List<FakeSlack.Received> received = slack.received();
    assertThat(received).hasSize(2);
    assertThat(received.get(1).body()).isEqualTo(received.get(0).body());
  }

  @Test
  @DisplayName("A 429 with Retry-After: 1 is retried after about a second")
  void tooManyRequestsHonoursRetryAfter() {
    slack.thenAnswer(429, "1");

    boolean posted = await(notifier.post(message()));

    assertThat(posted).isTrue();
    List<FakeSlack.Received> received = slack.received();
    assertThat(received).hasSize(2);
    assertThat(received.get(1).atMillis() - received.get(0).atMillis()).isGreaterThanOrEqualTo(950);
  }

  @Test
  @DisplayName("A dropped connection is retried")
  void connectionErrorIsRetried() {
    slack.thenDropConnection();

    boolean posted = await(notifier.post(message()));

    assertThat(posted).isTrue();
    assertThat(slack.received()).hasSize(2);
  }

  @Test
  @DisplayName("Retries back off exponentially and stop after slackMaxRetries")
  void retriesStopAfterTheMaximum() {
    slack.thenAnswer(503, null).thenAnswer(503, null).thenAnswer(503, null).thenAnswer(503, null).thenAnswer(200, null);

    boolean posted = await(notifier.post(message()));

    assertThat(posted).isFalse();
    List<FakeSlack.Received> received = slack.received();
    assertThat(received).hasSize(4);
    long firstGap = received.get(1).atMillis() - received.get(0).atMillis();
    long thirdGap = received.get(3).atMillis() - received.get(2).atMillis();
    assertThat(firstGap).isGreaterThanOrEqualTo(45);
    assertThat(thirdGap).isGreaterThanOrEqualTo(195);
  }

  @Test
  @DisplayName("A 400 from the webhook is not retried")
  void clientErrorIsNotRetried() {
    slack.thenAnswer(400, null);

    boolean posted = await(notifier.post(message()));

    assertThat(posted).isFalse();
    assertThat(slack.received()).hasSize(1);
  }

  @Test
  @DisplayName("Without a webhook URL nothing is posted")
  void disabledWithoutUrl(Vertx vertx) {
    SlackNotifier disabled = SlackNotifier.create(vertx, SlackConfig.fromJson(new JsonObject()));

    assertThat(disabled.enabled()).isFalse();
    assertThat(await(disabled.post(message()))).isFalse();
  }
}
