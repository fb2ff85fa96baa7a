package io.microservicestack.user;

import io.microservicestack.common.AckWindow;
import io.microservicestack.common.AckWindow.Delivery;
import io.microservicestack.common.Amqp;
import io.microservicestack.common.ConsumerMetrics;
import io.microservicestack.common.ConsumerMetrics.Outcome;
import io.microservicestack.common.DeadLetters;
import io.microservicestack.common.FieldErrors;
import io.microservicestack.common.JsonBody;
import io.microservicestack.common.Params;
import io.microservicestack.common.ProblemException;
import io.microservicestack.common.ServiceHttp;
import io.microservicestack.common.Topology;
import io.microservicestack.common.Tracing;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import io.vertx.rabbitmq.RabbitMQMessage;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The {@code user} queue consumer: each message is a create-user command {@code {"name", "email", "requestId"}}.
 *
 * <p>A valid command creates the user exactly as {@code POST /user} does (outbox event included; this verticle
 * runs its own relay). A command is acked after its user is stored, together with its neighbours ({@link AckWindow}:
 * one multiple ack every few milliseconds). The same {@code requestId} twice creates one user. An invalid command or a duplicate
 * email is acked and parked in {@code user.dlq} with the reason. When PostgreSQL is down the command is
 * requeued after a pause, never lost. Each settled command counts in
 * {@code events_consumed_total{consumer="user", outcome, reason}} (reasons: {@code invalid} and {@code conflict}
 * for parked commands, {@code unavailable} for requeued ones).
 */
public class UserQueueVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(UserQueueVerticle.class);
  private static final long RETRY_DELAY_MS = 1_000;
  private static final int REQUEST_ID_MAX = 128;
  /** The {@code role} label of this verticle's meters. */
  static final String ROLE = "user-queue";

  private UserConfig config;
  private Pool pool;
  private OutboxRelay relay;
  private UserService users;
  private RabbitMQClient client;
  private RabbitMQConsumer consumer;
  private HttpServer server;
  private ConsumerMetrics consumed;
  private AckWindow acks;

  @Override
  public Future<?> start() {
    config = UserConfig.fromJson(config());
    consumed = new ConsumerMetrics(config.commandQueue(), ROLE);
    acks = new AckWindow(vertx, () -> client, config.commandQueue(), config.prefetch());
    pool = Database.pool(vertx, config);
    return Database.migrateWhenReachable(vertx, config, UserVerticle.MIGRATION_RETRY_MS)
      .onSuccess(this::serve)
      .compose(v -> ServiceHttp.listen(vertx, ServiceHttp.router(vertx, health()), "user-queue", config.httpHost(),
        config.queueHttpPort(), UserConfig.QUEUE_HTTP_PORT))
      .onSuccess(s -> server = s);
  }

  /** Ready when PostgreSQL answers and the consumer is connected to RabbitMQ. */
  private HealthChecks health() {
    UserRepository repository = new UserRepository(pool, Future.succeededFuture());
    return HealthChecks.create(vertx)
      .register("postgres", 2_000, promise -> repository.ping()
        .map(v -> Status.OK())
        .otherwise(failure -> Status.KO(new JsonObject().put("error", String.valueOf(failure.getMessage()))))
        .onComplete(promise))
      .register("rabbitmq", 2_000, promise -> promise.complete(client != null && client.isConnected() && consumer != null
        ? Status.OK()
        : Status.KO(new JsonObject().put("error", "not consuming from RabbitMQ"))));
  }

  private void serve(Future<Void> schemaReady) {
    relay = config.relayEnabled() ? OutboxRelay.start(vertx, pool, config, schemaReady, ROLE) : null;
    users = new UserService(vertx.eventBus(), new UserRepository(pool, schemaReady), relay, ROLE);
    // Consuming starts once the schema is ready and RabbitMQ answers; the verticle waits for neither.
    schemaReady
      .compose(v -> Amqp.start(vertx, Amqp.options(config.amqpUri(), config.amqpReconnectMs()), "user queue consumer", this::declareTopology))
      .compose(this::consume)
      .onFailure(e -> LOG.error("The user queue consumer could not start", e));
  }

  /**
   * Runs on every (re)connection. The prefetch comes first: it applies to consumers created after it, and after a
   * reconnect the client restarts the consumer itself as soon as the connection is up, behind this first call.
   */
  private Future<Void> declareTopology(RabbitMQClient rabbit) {
    acks.reset();
    return Amqp.safely(() -> rabbit.basicQos(config.prefetch()))
      .compose(v -> rabbit.confirmSelect())
      .compose(v -> Amqp.declareQueueWithDlq(rabbit, config.commandQueue(), null, null));
  }

  private Future<Void> consume(RabbitMQClient rabbit) {
    client = rabbit;
    return rabbit.basicConsumer(config.commandQueue(), new QueueOptions().setAutoAck(false)).onSuccess(c -> {
      consumer = c;
      c.handler(this::handle);
      LOG.info("Consuming create-user commands from queue {}", config.commandQueue());
    }).mapEmpty();
  }

  /** Settles one command, in a span that continues the message's {@code traceparent} header when it has one. */
  private void handle(RabbitMQMessage message) {
    Delivery delivery = acks.delivered(message.envelope().getDeliveryTag());
    Tracing.consume(vertx, config.commandQueue() + " process", Tracing.traceparent(message.properties().getHeaders()),
        () -> create(message, delivery))
      .recover(failure -> settleFailure(message, delivery, failure))
      .onFailure(e -> LOG.warn("Could not settle a create-user command: {}", e.getMessage()));
  }

  private Future<Void> create(RabbitMQMessage message, Delivery delivery) {
    try {
      JsonObject command = JsonBody.object(message.body(), "The command");
      NewUser user = validate(command);
      String requestId = Params.text("requestId", command.getValue("requestId"), REQUEST_ID_MAX, new FieldErrors());
      return users.createOnce(user, requestId).map(created -> {
        acks.ack(delivery);
        consumed.count(created.event() == null ? Outcome.DUPLICATE : Outcome.STORED);
        return null;
      });
    } catch (ProblemException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Rejected commands (4xx) are parked; anything else (the database down), or a command whose parking failed, is
   * requeued after a pause. Every delivery ends acked or requeued: an unsettled one would hold back the acks of the
   * deliveries after it ({@link AckWindow}).
   */
  private Future<Void> settleFailure(RabbitMQMessage message, Delivery delivery, Throwable failure) {
    if (failure instanceof ProblemException pe && pe.problem().status() < 500) {
      String reason = pe.problem().status() + " " + pe.problem().title() + ": " + pe.problem().detail()
        + (pe.problem().errors().isEmpty() ? "" : " " + pe.problem().errors());
      LOG.info("Parking a create-user command in {}: {}", Topology.dlq(config.commandQueue()), reason);
      return DeadLetters.publish(client, config.commandQueue(), message, reason)
        .onSuccess(v -> {
          acks.ack(delivery);
          consumed.count(Outcome.DEAD_LETTERED, pe.problem().status() == 409 ? "conflict" : "invalid");
        })
        .recover(e -> requeueLater(delivery, "parking it failed: " + e.getMessage()));
    }
    return requeueLater(delivery, failure.getMessage());
  }

  private Future<Void> requeueLater(Delivery delivery, String why) {
    LOG.warn("A create-user command failed, requeueing it in {} ms: {}", RETRY_DELAY_MS, why);
    return vertx.timer(RETRY_DELAY_MS)
      .compose(v -> acks.nack(delivery))
      .onSuccess(v -> consumed.count(Outcome.RETRIED, "unavailable"));
  }

  /** The user to create, or a 400 problem naming every invalid field, {@code requestId} included. */
  private static NewUser validate(JsonObject command) {
    FieldErrors errors = new FieldErrors();
    NewUser user = null;
    try {
      user = NewUser.validate(command);
    } catch (ProblemException e) {
      errors.addAll(e.problem());
    }
    Params.text("requestId", command.getValue("requestId"), REQUEST_ID_MAX, errors);
    errors.throwIfAny();
    return user;
  }

  @Override
  public Future<?> stop() {
    // The commands in flight are settled and acked before the channel closes, not handed back to be done again.
    Future<Void> cancelled = consumer == null
      ? Future.succeededFuture()
      : consumer.cancel().eventually(() -> acks.drain(AckWindow.STOP_DRAIN_MS));
    return ServiceHttp.shutdown(server)
      .eventually(() -> cancelled)
      .eventually(() -> relay == null ? Future.succeededFuture() : relay.stop())
      .eventually(() -> client == null ? Future.succeededFuture() : client.stop())
      .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
