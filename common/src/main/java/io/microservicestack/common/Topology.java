package io.microservicestack.common;

/**
 * AMQP 0-9-1 names shared by the services: the durable events exchange, its routing keys and the queues.
 *
 * <p>These are the defaults; each verticle takes the names from its config so that tests (and several
 * stacks on one broker) can use their own.
 */
public final class Topology {

  /** Durable topic exchange every domain event is published to. */
  public static final String EVENTS_EXCHANGE = "stack.events";
  /** Routing key (and {@code type}) of the event published for each created user. */
  public static final String USER_CREATED = "user.created";
  /** Durable queue of the slack service's {@code user.created} consumer. */
  public static final String SLACK_USER_CREATED_QUEUE = "slack.user-created";
  /** Durable queue of create-user commands {@code {"name","email","requestId"}}. */
  public static final String USER_COMMAND_QUEUE = "user";
  /** Suffix of the queue where a consumer parks a message it cannot process. */
  public static final String DLQ_SUFFIX = ".dlq";
  /** Header of a parked message: why it was parked. */
  public static final String REASON_HEADER = "x-reason";

  private Topology() {
  }

  /** The dead-letter queue of {@code queue}. */
  public static String dlq(String queue) {
    return queue + DLQ_SUFFIX;
  }
}
