package io.microservicestack.bdd;

import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import io.vertx.core.json.JsonObject;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Steps of {@code gateway.feature}, and the answer's status shared by every feature. */
public class GatewaySteps {

  private final ScenarioState state;

  public GatewaySteps(ScenarioState state) {
    this.state = state;
  }

  @When("I ping the gateway")
  public void pingTheGateway() {
    state.answer(state.gateway().get("/ping"));
  }

  @When("I ask the gateway for its health")
  public void askForHealth() {
    state.answer(state.gateway().get("/health"));
  }

  /** The status code; any words after it ("201 Created") are for the reader. */
  @Then("^the answer is (\\d{3})\\b.*$")
  public void theAnswerIs(int status) {
    assertThat(state.answer().status()).as("status of %s", state.answer()).isEqualTo(status);
  }

  @Then("the gateway answers {string}")
  public void theGatewayAnswers(String response) {
    assertThat(state.answer().json().getString("response")).as("response of %s", state.answer()).isEqualTo(response);
  }

  @Then("the overall status is {string}")
  public void theOverallStatusIs(String status) {
    assertThat(state.answer().json().getString("status")).as("status in %s", state.answer()).isEqualTo(status);
  }

  @Then("every one of these services answered {string}, with its response time in milliseconds:")
  public void everyServiceAnswered(String response, List<String> services) {
    JsonObject health = state.answer().json();
    for (String service : services) {
      JsonObject entry = health.getJsonObject(service);
      assertThat(entry).as("%s in %s", service, health).isNotNull();
      assertThat(entry.getString("response")).as("%s's response in %s", service, health).isEqualTo(response);
      assertThat(entry.getValue("time")).as("%s's time in %s", service, health).isInstanceOf(Number.class);
      assertThat(entry.getLong("time")).as("%s's time in %s", service, health).isBetween(0L, 10_000L);
    }
  }
}
