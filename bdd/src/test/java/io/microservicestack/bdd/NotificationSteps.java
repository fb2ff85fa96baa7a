package io.microservicestack.bdd;

import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Steps of {@code notifications.feature}: the slack channels, read and written through the gateway. */
public class NotificationSteps {

  /** How long a notification may take from the user's creation to its channel (outbox, RabbitMQ, Redis). */
  static final Duration NOTIFICATION_DEADLINE = Duration.ofSeconds(15);

  private final ScenarioState state;
  private String channel;

  public NotificationSteps(ScenarioState state) {
    this.state = state;
  }

  /** {@code message} with {@code <email>} replaced by the email address of the scenario's last user. */
  @Then("the {string} channel soon shows {string} for that user")
  public void theChannelSoonShows(String channel, String message) {
    String expected = message.replace("<email>", state.lastUser().getString("email"));
    await("\"" + expected + "\" in " + channel)
      .atMost(NOTIFICATION_DEADLINE)
      .pollInterval(Duration.ofMillis(200))
      .until(() -> messages(channel, 100, 0).contains(expected));
  }

  @Given("a new channel with {int} messages, posted in order from {string} to {string}")
  public void aNewChannelWithMessages(int count, String first, String last) {
    channel = "#bdd-" + state.tag();
    List<String> messages = numbered(first, last);
    assertThat(messages).as("messages from %s to %s", first, last).hasSize(count);
    for (String message : messages) {
      Answer posted = state.gateway().postJson("/messages", new JsonObject().put("channel", channel).put("message", message));
      assertThat(posted.status()).as("posting %s: %s", message, posted).isEqualTo(201);
      assertThat(posted.json().getString("message")).isEqualTo(message);
    }
  }

  @When("I read the channel's messages with limit {int}")
  public void readWithLimit(int limit) {
    state.answer(state.gateway().get(messagesPath(channel, limit, null)));
  }

  @When("I read the channel's messages with limit {int} and offset {int}")
  public void readWithLimitAndOffset(int limit, int offset) {
    state.answer(state.gateway().get(messagesPath(channel, limit, offset)));
  }

  @Then("I get {int} messages, from {string} down to {string}")
  public void iGetMessages(int count, String newest, String oldest) {
    Answer answer = state.answer();
    assertThat(answer.status()).as("reading %s: %s", channel, answer).isEqualTo(200);
    assertThat(answer.json().getString("channel")).isEqualTo(channel);
    List<String> expected = numbered(newest, oldest);
    assertThat(expected).hasSize(count);
    assertThat(texts(answer.items())).as("messages of %s, newest first", channel).containsExactlyElementsOf(expected);
  }

  private List<String> messages(String channel, int limit, int offset) {
    Answer answer = state.gateway().get(messagesPath(channel, limit, offset));
    assertThat(answer.status()).as("reading %s: %s", channel, answer).isEqualTo(200);
    return texts(answer.items());
  }

  private static String messagesPath(String channel, int limit, Integer offset) {
    return "/messages?channel=" + URLEncoder.encode(channel, StandardCharsets.UTF_8) + "&limit=" + limit
      + (offset == null ? "" : "&offset=" + offset);
  }

  private static List<String> texts(JsonArray items) {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      texts.add(items.getJsonObject(i).getString("message"));
    }
    return texts;
  }

  /** "message 15", "message 6" → "message 15", "message 14", ... "message 6" (either direction). */
  static List<String> numbered(String from, String to) {
    String prefix = from.replaceAll("\\d+$", "");
    assertThat(to).as("the same kind of message as %s", from).startsWith(prefix);
    int start = Integer.parseInt(from.substring(prefix.length()));
    int end = Integer.parseInt(to.substring(prefix.length()));
    int step = start <= end ? 1 : -1;
    List<String> texts = new ArrayList<>();
    for (int i = start; i != end + step; i += step) {
      texts.add(prefix + i);
    }
    return texts;
  }
}
