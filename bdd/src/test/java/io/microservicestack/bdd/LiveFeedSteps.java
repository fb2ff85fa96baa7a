package io.microservicestack.bdd;

import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Steps of {@code live-feed.feature}: the websocket {@code /ws/users}. On a shared stack the feed also carries other
 * clients' users, so the steps only look at the users of this scenario (by email address).
 */
public class LiveFeedSteps {

  private static final Duration FEED_DEADLINE = Duration.ofSeconds(10);

  private final ScenarioState state;
  private long lastSeenId;
  private final List<JsonObject> missed = new ArrayList<>();

  public LiveFeedSteps(ScenarioState state) {
    this.state = state;
  }

  @Given("I am watching the live feed of new users")
  public void watchTheFeed() {
    state.feed(state.gateway().watchUsers(null));
  }

  @Then("the live feed soon shows that user")
  public void theFeedSoonShowsThatUser() {
    JsonObject user = state.lastUser();
    List<JsonObject> shown = awaitOwnUsers(1);
    assertThat(ids(shown)).as("this scenario's users in the feed").containsExactly(user.getLong("id"));
    assertThat(shown.get(0).getString("name")).isEqualTo(user.getString("name"));
    assertThat(shown.get(0).getString("email")).isEqualTo(user.getString("email"));
    lastSeenId = user.getLong("id");
  }

  @Given("I stop watching the live feed")
  public void stopWatching() {
    state.feed().close();
  }

  @When("{int} users are created while I am away")
  public void usersCreatedWhileAway(int count) {
    for (int i = 1; i <= count; i++) {
      missed.add(state.createdUser("Missed " + i));
    }
  }

  @When("I watch the live feed again, from the last user I saw")
  public void watchAgainFromTheLastUserSeen() {
    state.feed(state.gateway().watchUsers(lastSeenId));
  }

  @Then("the live feed soon shows the {int} users I missed, in the order they were created")
  public void theFeedShowsTheMissedUsers(int count) {
    assertThat(missed).hasSize(count);
    assertThat(ids(awaitOwnUsers(count))).as("this scenario's users replayed by the feed")
      .containsExactlyElementsOf(ids(missed));
  }

  @Then("the live feed shows that user right after them, and no user twice")
  public void theFeedShowsThatUserRightAfterThem() {
    List<Long> expected = new ArrayList<>(ids(missed));
    expected.add(state.lastUser().getLong("id"));
    assertThat(ids(awaitOwnUsers(expected.size()))).as("this scenario's users in the resumed feed")
      .containsExactlyElementsOf(expected);
  }

  /** This scenario's users in the feed once there are at least {@code count}; the socket must stay open. */
  private List<JsonObject> awaitOwnUsers(int count) {
    LiveFeed feed = state.feed();
    await("the live feed showing " + count + " of this scenario's users")
      .atMost(FEED_DEADLINE)
      .pollInterval(Duration.ofMillis(50))
      .until(() -> {
        assertThat(feed.closedBecause()).as("the live feed's socket").isNull();
        return feed.usersWithEmails(state.emails()).size() >= count;
      });
    return feed.usersWithEmails(state.emails());
  }

  private static List<Long> ids(List<JsonObject> users) {
    List<Long> ids = new ArrayList<>();
    users.forEach(user -> ids.add(user.getLong("id")));
    return ids;
  }
}
