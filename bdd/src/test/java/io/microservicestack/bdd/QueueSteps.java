package io.microservicestack.bdd;

import com.rabbitmq.client.AMQP;
import io.cucumber.java.After;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQOptions;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Steps of {@code queue.feature}: create-user commands {@code {"name","email","requestId"}} published to RabbitMQ's
 * default exchange with the queue's name as routing key, as another system would, and the user looked for through
 * the gateway's {@code GET /users?after=&limit=}.
 */
public class QueueSteps {

  private static final Duration CONSUMER_DEADLINE = Duration.ofSeconds(15);
  private static final Duration USER_DEADLINE = Duration.ofSeconds(15);
  private static final int PAGE = 100;

  private final ScenarioState state;
  private final String queue = TestStack.current().userQueue();
  private RabbitMQClient rabbit;
  private String email;
  private String name;
  private long watermark;

  public QueueSteps(ScenarioState state) {
    this.state = state;
  }

  @Given("the user queue has a consumer")
  public void theUserQueueHasAConsumer() {
    rabbit = RabbitMQClient.create(state.gateway().vertx(), new RabbitMQOptions().setUri(TestStack.current().amqpUri()));
    GatewayClient.await(rabbit.start(), "connecting to RabbitMQ");
    // Declared exactly as the stack declares it (durable, no arguments), so this is a no-op on the stack's queue.
    await("a consumer on queue " + queue + " (is the user-queue role running?)")
      .atMost(CONSUMER_DEADLINE)
      .pollInterval(Duration.ofMillis(200))
      .until(() -> GatewayClient.await(rabbit.queueDeclare(queue, true, false, false), "declaring " + queue)
        .getConsumerCount() > 0);
  }

  @When("a command to create a user named {string} with a new email address is put on the user queue")
  public void putACreateUserCommand(String name) {
    this.name = name;
    this.email = state.newEmail();
    watermark = lastUserId();
    JsonObject command = new JsonObject().put("name", name).put("email", email).put("requestId", "bdd-" + UUID.randomUUID());
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
      .contentType("application/json")
      .deliveryMode(2)
      .build();
    GatewayClient.await(rabbit.confirmSelect()
      .compose(v -> rabbit.basicPublish("", queue, properties, Buffer.buffer(command.encode())))
      .compose(v -> rabbit.waitForConfirms(5_000)), "publishing the command to " + queue);
  }

  @Then("the user soon appears in the list of users")
  public void theUserSoonAppears() {
    JsonObject user = await("a user with email " + email + " in GET /users after id " + watermark)
      .atMost(USER_DEADLINE)
      .pollInterval(Duration.ofMillis(200))
      .until(() -> findAfterWatermark(email), Optional::isPresent)
      .orElseThrow();
    assertThat(user.getString("name")).isEqualTo(name);
    state.rememberUser(user);
  }

  @After("@amqp")
  public void disconnect() {
    if (rabbit != null) {
      GatewayClient.await(rabbit.stop(), "disconnecting from RabbitMQ");
    }
  }

  /** The largest user id so far: the command's user comes after it. */
  private long lastUserId() {
    long after = 0;
    while (true) {
      JsonObject page = page(after);
      JsonArray items = page.getJsonArray("items");
      if (!items.isEmpty()) {
        after = items.getJsonObject(items.size() - 1).getLong("id");
      }
      if (page.getValue("next") == null) {
        return after;
      }
    }
  }

  private Optional<JsonObject> findAfterWatermark(String email) {
    long after = watermark;
    while (true) {
      JsonObject page = page(after);
      JsonArray items = page.getJsonArray("items");
      for (int i = 0; i < items.size(); i++) {
        JsonObject user = items.getJsonObject(i);
        if (email.equalsIgnoreCase(user.getString("email"))) {
          return Optional.of(user);
        }
        after = user.getLong("id");
      }
      if (page.getValue("next") == null) {
        return Optional.empty();
      }
    }
  }

  private JsonObject page(long after) {
    Answer answer = state.gateway().get("/users?after=" + after + "&limit=" + PAGE);
    assertThat(answer.status()).as("GET /users?after=%s: %s", after, answer).isEqualTo(200);
    return answer.json();
  }
}
