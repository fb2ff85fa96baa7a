package io.microservicestack.slack;

import io.microservicestack.common.AckWindow;
import io.microservicestack.common.Amqp;
import io.microservicestack.common.Topology;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Consumes {@code user.created} events from the queue {@code userCreatedQueue} (bound to the topic exchange
 * {@code eventsExchange}) and writes "User &lt;email&gt; created" to channel {@value #CHANNEL}, then posts it to Slack.
 *
 * <p>Delivery guarantees:
 * <ul>
 *   <li>a message is acked only after its Redis write; the write and the "already processed?" check are one
 *       atomic script keyed by the event id, so a redelivered event never adds a second message; acks go out
 *       together, one multiple ack every few milliseconds ({@link AckWindow});</li>
 *   <li>a message that is not a valid event is parked at once; one whose processing failed {@code maxAttempts}
 *       times (counted in Redis) is parked: published, with a publisher confirm, to {@code <queue>.dlq} with its
 *       body and headers plus {@code x-reason}, then acked;</li>
 *   <li>when Redis cannot be reached the message is nacked with requeue after {@code redeliveryDelayMs}: never lost.</li>
 * </ul>
 * The RabbitMQ client reconnects forever and re-declares the topology on every connection; after a reconnect
 * it re-subscribes this consumer by itself (vertx-rabbitmq-client restarts a consumer whose channel shut down).
 * Acks of deliveries from a channel that has since closed are skipped: the broker has requeued those messages.
 *
 * <p>This class keeps the connection and the subscription; {@link UserCreatedHandler} settles each message.
 */
public final class UserCreatedConsumer {

  private static final Logger LOG = LoggerFactory.getLogger(UserCreatedConsumer.class);
  /** The channel the consumer writes to. */
  public static final String CHANNEL = "#user";
  /**
   * Unacked deliveries the broker may push at once. A delivery is held for its Redis write (a millisecond or two)
   * and then at most {@link AckWindow#WINDOW_MS} ms for its ack: at 4,000 events/s about 30 messages. 100 leaves
   * room for bursts and a slower Redis; the window acks at once when half of it waits, so the broker never stalls.
   */
  static final int PREFETCH = 100;

  private final Vertx vertx;
  private final SlackConfig config;
  private final UserCreatedHandler handler;
  private final Promise<Void> subscribed = Promise.promise();
  private final AtomicBoolean subscribing = new AtomicBoolean();
  private final AckWindow acks;
  private volatile RabbitMQClient client;
  private volatile RabbitMQConsumer consumer;
  private volatile boolean stopped;

  public UserCreatedConsumer(Vertx vertx, SlackConfig config, MessageStore store, SlackNotifier notifier) {
    this.vertx = vertx;
    this.config = config;
    this.acks = new AckWindow(vertx, () -> client, config.userCreatedQueue(), PREFETCH);
    this.handler = new UserCreatedHandler(vertx, config, store, notifier, this);
  }

  /**
   * Connects, declares the topology and subscribes. Completes once the consumer is subscribed; while RabbitMQ
   * cannot be reached the client keeps trying every {@code amqpReconnectMs} and the future stays pending.
   */
  public Future<Void> start() {
    String name = "slack consumer of " + config.userCreatedQueue();
    return Amqp.start(vertx, Amqp.options(config.amqpUri(), config.amqpReconnectMs()), name, this::onConnected)
      .compose(c -> subscribed.future());
  }

  /** Whether the client is connected to RabbitMQ now and the consumer subscribed. */
  public boolean isConnected() {
    RabbitMQClient c = client;
    return c != null && c.isConnected() && subscribed.future().succeeded();
  }

  /** Cancels the consumer (so the client does not restart it) and closes the connection. */
  public Future<Void> stop() {
    stopped = true;
    RabbitMQConsumer current = consumer;
    RabbitMQClient c = client;
    Future<Void> cancelled = current == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      try {
        current.cancel();
      } catch (RuntimeException e) {
        LOG.debug("Cancelling the consumer of {} on a closed channel: {}", config.userCreatedQueue(), e.toString());
      }
      return null;
    });
    return cancelled
      .eventually(() -> acks.drain(AckWindow.STOP_DRAIN_MS))
      .compose(v -> c == null ? Future.<Void>succeededFuture() : c.stop())
      .recover(e -> {
        LOG.warn("Stopping the RabbitMQ client failed: {}", e.toString());
        return Future.succeededFuture();
      });
  }

  /**
   * Runs on every (re)connection. The prefetch comes first: it applies to consumers created after it, and the
   * client's own restart of the consumer after a reconnect waits for the reconnect to finish, so it queues behind.
   */
  private Future<Void> onConnected(RabbitMQClient c) {
    client = c;
    acks.reset();
    if (stopped) {
      return c.stop();
    }
    return Amqp.safely(() -> c.basicQos(PREFETCH))
      .compose(v -> c.confirmSelect())
      .compose(v -> Amqp.declareTopicExchange(c, config.eventsExchange()))
      .compose(v -> Amqp.declareQueueWithDlq(c, config.userCreatedQueue(), config.eventsExchange(), Topology.USER_CREATED))
      .compose(v -> subscribeOnce(c))
      .onFailure(subscribed::tryFail);
  }

  /** Subscribes on the first connection; on later ones the client restarts the same consumer itself. */
  private Future<Void> subscribeOnce(RabbitMQClient c) {
    if (!subscribing.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    return c.basicConsumer(config.userCreatedQueue(), new QueueOptions().setAutoAck(false))
      .onSuccess(created -> {
        created.exceptionHandler(e -> LOG.warn("Consumer of {} failed", config.userCreatedQueue(), e));
        created.handler(handler::handle);
        consumer = created;
        subscribed.tryComplete();
        LOG.info("Consuming {} (exchange {}, routing key {})", config.userCreatedQueue(), config.eventsExchange(), Topology.USER_CREATED);
      })
      .onFailure(e -> subscribing.set(false))
      .mapEmpty();
  }

  /** The current client (null before the first connection). */
  RabbitMQClient client() {
    return client;
  }

  /** Where the handler settles its deliveries: acked in windows, or handed back. */
  AckWindow acks() {
    return acks;
  }

  boolean stopped() {
    return stopped;
  }
}
