package io.microservicestack.bdd;

import io.cucumber.java.After;
import io.cucumber.java.AfterAll;
import io.cucumber.java.Before;
import io.cucumber.java.BeforeAll;
import org.opentest4j.TestAbortedException;

/** Starts the stack once before the first scenario and closes it after the last; per-scenario set-up and clean-up. */
public class StackHooks {

  private final ScenarioState state;

  public StackHooks(ScenarioState state) {
    this.state = state;
  }

  @BeforeAll
  public static void startStack() {
    TestStack.start();
  }

  @AfterAll
  public static void stopStack() {
    TestStack.stop();
  }

  /** Scenarios tagged {@code @amqp} publish to RabbitMQ: skipped when the run has no AMQP URI for that. */
  @Before("@amqp")
  public void requireAmqp() {
    if (TestStack.current().amqpUri() == null) {
      throw new TestAbortedException("Skipped: BDD_AMQP_URI is not set, so this scenario cannot reach the RabbitMQ of the "
        + "stack at " + TestStack.current().baseUrl() + " (set BDD_AMQP_URI, and BDD_USER_QUEUE if the queue is not 'user')");
    }
  }

  @After
  public void closeScenario() {
    state.close();
  }
}
