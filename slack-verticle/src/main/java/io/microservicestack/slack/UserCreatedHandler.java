package io.microservicestack.slack;

import io.microservicestack.common.AckWindow;
import io.microservicestack.common.AckWindow.Delivery;
import io.microservicestack.common.ConsumerMetrics;
import io.microservicestack.common.ConsumerMetrics.Outcome;
import io.microservicestack.common.DeadLetters;
import io.microservicestack.common.JsonBody;
import io.microservicestack.common.ProblemException;
import io.microservicestack.common.Topology;
import io.microservicestack.common.Tracing;
import io.microservicestack.common.UserCreated;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * Settles each {@code user.created} delivery of a {@link UserCreatedConsumer} (see its delivery guarantees):
 * writes "User &lt;email&gt; created" once and acks, parks what cannot be processed, requeues after a pause what
 * failed for now. Each settled delivery counts in {@code events_consumed_total{consumer=<queue>, outcome, reason}}
 * (reasons of parked messages: {@code unprocessable}, {@code max_attempts}; of requeued ones: {@code failed}).
 */
final class UserCreatedHandler {

  private static final Logger LOG = LoggerFactory.getLogger(UserCreatedConsumer.class);

  private final Vertx vertx;
  private final SlackConfig config;
  private final MessageStore store;
  private final SlackNotifier notifier;
  private final UserCreatedConsumer source;
  private final String dlq;
  private final ConsumerMetrics consumed;
  private final AckWindow acks;

  UserCreatedHandler(Vertx vertx, SlackConfig config, MessageStore store, SlackNotifier notifier, UserCreatedConsumer source) {
    this.vertx = vertx;
    this.config = config;
    this.store = store;
    this.notifier = notifier;
    this.source = source;
    this.dlq = Topology.dlq(config.userCreatedQueue());
    this.consumed = new ConsumerMetrics(config.userCreatedQueue(), SlackVerticle.ROLE);
    this.acks = source.acks();
  }

  /** Settles one delivery: written and acked, parked, or requeued after a pause. */
  void handle(RabbitMQMessage message) {
    Delivery delivery = acks.delivered(message.envelope().getDeliveryTag());
    UserCreated event;
    try {
      event = parse(message.body());
    } catch (IllegalArgumentException e) {
      park(delivery, message, "unprocessable", "unprocessable: " + e.getMessage());
      return;
    }
    // The span continues the publisher's trace; the Redis write and the webhook call are its children.
    Tracing.consume(vertx, config.userCreatedQueue() + " process", Tracing.traceparent(message.properties().getHeaders()),
        () -> record(event))
      .onSuccess(added -> {
        acks.ack(delivery);
        consumed.count(added ? Outcome.STORED : Outcome.DUPLICATE);
      })
      .onFailure(e -> retryOrPark(delivery, message, event, e));
  }

  static UserCreated parse(Buffer body) {
    Object json;
    try {
      json = body == null || body.length() == 0 ? null : JsonBody.decode(body, "the body");
    } catch (ProblemException e) {
      throw new IllegalArgumentException(e.problem().detail());
    }
    return UserCreated.fromJson(json instanceof JsonObject object ? object : null);
  }

  /** Writes the event's message once and, when written now, posts it to Slack. */
  private Future<Boolean> record(UserCreated event) {
    String id = event.id().toString();
    SlackMessage message = new SlackMessage(id, UserCreatedConsumer.CHANNEL, "User " + event.user().getString("email") + " created", Instant.now());
    return store.addOnce(id, message).map(added -> {
      if (added) {
        notifier.postInBackground(message);
      } else {
        LOG.info("Event {} was already processed; acknowledging its redelivery", id);
      }
      return added;
    });
  }

  private void retryOrPark(Delivery delivery, RabbitMQMessage message, UserCreated event, Throwable failure) {
    String id = event.id().toString();
    store.countFailure(id)
      .onSuccess(attempts -> {
        if (attempts >= config.maxAttempts()) {
          park(delivery, message, "max_attempts", "failed " + attempts + " times: " + failure.getMessage());
        } else {
          LOG.warn("Event {} failed (attempt {} of {}): {}; requeueing", id, attempts, config.maxAttempts(), failure.toString());
          requeueLater(delivery);
        }
      })
      .onFailure(e -> {
        LOG.warn("Event {} failed and Redis is unreachable ({}); requeueing", id, failure.toString());
        requeueLater(delivery);
      });
  }

  /**
   * Publishes the message, with a publisher confirm, to the dead-letter queue, then acks it.
   *
   * @param kind   the reason as one word, for the meter
   * @param reason the reason in full, for the dead letter's {@code x-reason}
   */
  private void park(Delivery delivery, RabbitMQMessage message, String kind, String reason) {
    LOG.warn("Parking a message of {} in {}: {}", config.userCreatedQueue(), dlq, reason);
    RabbitMQClient c = source.client();
    DeadLetters.publish(c, config.userCreatedQueue(), message, reason)
      .onSuccess(v -> {
        acks.ack(delivery);
        consumed.count(Outcome.DEAD_LETTERED, kind);
      })
      .onFailure(e -> {
        LOG.warn("Could not park a message in {}: {}; requeueing it", dlq, e.toString());
        requeueLater(delivery);
      });
  }

  /** Hands the message back to the broker after a pause, so that a failing event does not spin. */
  private void requeueLater(Delivery delivery) {
    vertx.setTimer(Math.max(1, config.redeliveryDelayMs()), id -> {
      if (source.stopped()) {
        return;
      }
      acks.nack(delivery)
        .onSuccess(v -> consumed.count(Outcome.RETRIED, "failed"))
        .onFailure(e -> LOG.debug("Nack of a message of {} skipped or failed: {}", config.userCreatedQueue(), e.toString()));
    });
  }
}
