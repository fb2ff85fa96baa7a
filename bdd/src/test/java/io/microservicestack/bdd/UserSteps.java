package io.microservicestack.bdd;

import io.cucumber.java.ParameterType;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** Steps of {@code users.feature}: creating users through the gateway and looking them up by id (RPC). */
public class UserSteps {

  /** An id no user has: the largest the API accepts. */
  private static final long UNKNOWN_ID = Long.MAX_VALUE;

  private final ScenarioState state;

  public UserSteps(ScenarioState state) {
    this.state = state;
  }

  @ParameterType(FieldValue.PATTERN)
  public FieldValue fieldValue(String text) {
    return FieldValue.parse(text);
  }

  @When("I create a user named {string} with a new email address")
  public void createUser(String name) {
    state.createUser(new JsonObject().put("name", name).put("email", state.newEmail()));
  }

  @Given("a user named {string} was created with a new email address")
  @When("a user named {string} is created with a new email address")
  public void aUserWasCreated(String name) {
    state.createdUser(name);
  }

  @When("I create a user with the name {fieldValue} and the email {fieldValue}")
  public void createUserWith(FieldValue name, FieldValue email) {
    JsonObject body = new JsonObject();
    name.putInto(body, "name", state);
    email.putInto(body, "email", state);
    state.createUser(body);
  }

  @When("I create a user named {string} with the same email address in upper case")
  public void createUserWithTheSameEmailInUpperCase(String name) {
    String email = state.users().get(0).getString("email").toUpperCase(Locale.ROOT);
    state.answer(state.gateway().postJson("/users", new JsonObject().put("name", name).put("email", email)));
  }

  @Then("the answer is the new user: an id, the name and the email address I sent")
  public void theAnswerIsTheNewUser() {
    JsonObject user = state.answer().json();
    assertThat(user.getValue("id")).as("id of %s", user).isInstanceOf(Number.class);
    assertThat(user.getLong("id")).as("id of %s", user).isPositive();
    assertThat(user.getString("name")).isEqualTo(state.sent().getString("name").strip());
    assertThat(user.getString("email")).isEqualTo(state.sent().getString("email"));
    assertThat(Instant.parse(user.getString("createdAt"))).as("createdAt of %s", user).isNotNull();
  }

  @Then("its location is the user's own address")
  public void itsLocationIsTheUsersAddress() {
    assertThat(state.answer().location()).isEqualTo("/users/" + state.answer().json().getLong("id"));
  }

  @Then("the answer names only the field {string}, which {}")
  public void theAnswerNamesOnlyTheField(String field, String reason) {
    Answer answer = state.answer();
    assertThat(answer.contentType()).startsWith("application/problem+json");
    JsonObject errors = answer.json().getJsonObject("errors");
    assertThat(errors).as("errors of %s", answer).isNotNull();
    assertThat(errors.fieldNames()).as("fields named in %s", answer).containsExactly(field);
    assertThat(errors.getJsonArray(field).stream().map(String::valueOf).toList())
      .as("reasons for %s in %s", field, answer)
      .contains(reason);
  }

  @Then("the first user is kept, with the name {string} and the original email address")
  public void theFirstUserIsKept(String name) {
    JsonObject first = state.users().get(0);
    Answer found = state.gateway().get("/users/" + first.getLong("id"));
    assertThat(found.status()).as("looking up the first user: %s", found).isEqualTo(200);
    assertThat(found.json().getString("name")).isEqualTo(name);
    assertThat(found.json().getString("email")).isEqualTo(first.getString("email"));
  }

  @When("I look that user up by id")
  public void lookTheUserUp() {
    state.answer(state.gateway().get("/users/" + state.lastUser().getLong("id")));
  }

  @When("I look up a user id that does not exist")
  public void lookUpAnUnknownId() {
    state.answer(state.gateway().get("/users/" + UNKNOWN_ID));
  }

  @Then("the answer is that user, with the same id, name and email address")
  public void theAnswerIsThatUser() {
    JsonObject expected = state.lastUser();
    JsonObject user = state.answer().json();
    assertThat(user.getLong("id")).isEqualTo(expected.getLong("id"));
    assertThat(user.getString("name")).isEqualTo(expected.getString("name"));
    assertThat(user.getString("email")).isEqualTo(expected.getString("email"));
  }
}
