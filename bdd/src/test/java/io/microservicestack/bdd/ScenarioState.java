package io.microservicestack.bdd;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one scenario has done so far, shared by its step classes (picocontainer makes one per scenario): the last
 * answer, the users it created, its live feed. Every email address it makes up is new, so scenarios never see
 * each other's data, even on a shared stack.
 */
public final class ScenarioState {

  private final GatewayClient gateway = TestStack.current().client();
  private final String tag = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final Set<String> emails = new LinkedHashSet<>();
  private final List<JsonObject> users = new ArrayList<>();
  private int counter;
  private Answer answer;
  private JsonObject sent;
  private LiveFeed feed;

  public GatewayClient gateway() {
    return gateway;
  }

  /** A new, unique, valid email address, remembered as one of this scenario's. */
  public String newEmail() {
    return remember("bdd." + tag + "." + ++counter + "@example.com");
  }

  /** Remembers an address this scenario uses, so that the live feed can pick its users out. */
  public String remember(String email) {
    emails.add(email);
    return email;
  }

  /** Every email address of this scenario's users. */
  public Set<String> emails() {
    return emails;
  }

  /** The tag that makes this scenario's data unique. */
  public String tag() {
    return tag;
  }

  /** {@code POST /users} through the gateway; a 201 answer's user is remembered. */
  public Answer createUser(JsonObject body) {
    sent = body;
    answer = gateway.postJson("/users", body);
    if (answer.status() == 201) {
      users.add(answer.json());
    }
    return answer;
  }

  /** Creates a user with a new email address and checks that it was created. */
  public JsonObject createdUser(String name) {
    Answer created = createUser(new JsonObject().put("name", name).put("email", newEmail()));
    assertThat(created.status()).as("creating %s: %s", name, created).isEqualTo(201);
    return created.json();
  }

  /** The users this scenario created, in order. */
  public List<JsonObject> users() {
    return users;
  }

  /** The user this scenario created last. */
  public JsonObject lastUser() {
    assertThat(users).as("users created in this scenario").isNotEmpty();
    return users.get(users.size() - 1);
  }

  /** Remembers a user created by other means than {@code POST /users} (the queue). */
  public void rememberUser(JsonObject user) {
    users.add(user);
  }

  public Answer answer() {
    assertThat(answer).as("an answer from an earlier step").isNotNull();
    return answer;
  }

  public void answer(Answer answer) {
    this.answer = answer;
  }

  /** The body of the last create-user request. */
  public JsonObject sent() {
    return sent;
  }

  public LiveFeed feed() {
    assertThat(feed).as("a live feed opened by an earlier step").isNotNull();
    return feed;
  }

  public void feed(LiveFeed feed) {
    this.feed = feed;
  }

  /** Closes what the scenario left open. */
  void close() {
    if (feed != null) {
      feed.close();
    }
  }
}
