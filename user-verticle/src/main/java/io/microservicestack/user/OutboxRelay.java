package io.microservicestack.user;

import com.rabbitmq.client.AMQP;
import io.microservicestack.common.Addresses;
import io.microservicestack.common.Amqp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Publishes outbox rows to RabbitMQ and deletes each only after the broker confirmed it.
 *
 * <p>A run locks a batch of rows ({@code FOR UPDATE SKIP LOCKED}, so several relays, and several runs of one
 * relay, never take the same row), publishes them persistent to the events exchange, waits for their publisher
 * confirms ({@link PublisherConfirms}, no thread blocked), deletes them and commits. Up to {@value #MAX_RUNS}
 * runs overlap, so rows committed while a run waits for its confirms do not queue behind it. If anything fails the transaction rolls back and the rows stay for the next run: an event may be
 * delivered twice (consumers are idempotent by event id) but never lost. Runs are triggered right after a
 * user is created ({@link #nudge()}) and by a sweep timer that picks up rows left by a crash or a broker outage.
 * After the commit, each created user is also published on the event bus at {@link Addresses#USERS_CREATED}.
 */
public final class OutboxRelay {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
  static final int BATCH = 500;
  static final int MAX_RUNS = 4;
  private static final long CONFIRM_TIMEOUT_MS = 5_000;
  private static final String LOCK_BATCH =
    "SELECT id, event_id, routing_key, payload FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED";
  private static final String DELETE = "DELETE FROM outbox WHERE id = ANY($1)";

  private final Vertx vertx;
  private final Pool pool;
  private final String exchange;
  private final PublisherConfirms confirms;
  private final Set<Future<Integer>> runs = new HashSet<>();
  private RabbitMQClient client;
  private Future<?> schemaReady;
  private boolean again;
  private boolean stopped;
  private long sweepTimer = -1;

  private OutboxRelay(Vertx vertx, Pool pool, String exchange) {
    this.vertx = vertx;
    this.pool = pool;
    this.exchange = exchange;
    this.confirms = new PublisherConfirms(vertx.getOrCreateContext());
  }

  /**
   * Starts a relay: its RabbitMQ client connects in the background (the relay does not wait for the broker;
   * rows simply wait in the outbox), and the sweep runs every {@code sweepMs} once the schema is ready.
   */
  public static OutboxRelay start(Vertx vertx, Pool pool, UserConfig config, Future<?> schemaReady) {
    OutboxRelay relay = new OutboxRelay(vertx, pool, config.eventsExchange());
    Amqp.start(vertx, Amqp.options(config.amqpUri(), 1_000), "outbox relay",
        client -> Amqp.declareTopicExchange(client, config.eventsExchange()).compose(v -> relay.confirms.attach(client)))
      .onSuccess(client -> {
        relay.client = client;
        relay.nudge();
      });
    relay.schemaReady = schemaReady;
    relay.sweepTimer = vertx.setPeriodic(config.relaySweepMs(), id -> relay.nudge());
    return relay;
  }

  /**
   * Asks for a run now: a new one starts unless {@value #MAX_RUNS} are in progress, in which case one more runs
   * after them.
   */
  public void nudge() {
    if (stopped) {
      return;
    }
    if (runs.size() >= MAX_RUNS) {
      again = true;
      return;
    }
    again = false;
    Future<Integer> run = relayBatch();
    runs.add(run);
    run.onComplete(ar -> {
      runs.remove(run);
      if (ar.failed()) {
        LOG.warn("Outbox relay run failed, the rows stay for the next run: {}", ar.cause().getMessage());
      } else if (again || ar.result() == BATCH) {
        nudge();
      }
    });
  }

  /** Stops sweeping, lets the runs in progress finish, and closes the RabbitMQ connection. */
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(sweepTimer);
    return Future.join(List.copyOf(runs))
      .<Void>transform(ar -> client == null ? Future.succeededFuture() : client.stop());
  }

  /** One transaction: lock a batch, publish it with confirms, delete it. The number of rows relayed. */
  private Future<Integer> relayBatch() {
    RabbitMQClient rabbit = client;
    if (rabbit == null || !rabbit.isConnected() || !schemaReady.succeeded()) {
      return Future.succeededFuture(0);
    }
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK_BATCH).execute(Tuple.of(BATCH))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(rows) : publish(rabbit, rows)
          .compose(v -> delete(conn, rows))
          .map(rows)))
      .onSuccess(this::announce)
      .map(RowSet::size);
  }

  private Future<Void> publish(RabbitMQClient rabbit, RowSet<Row> rows) {
    List<Future<Void>> publishes = new ArrayList<>(rows.size());
    for (Row row : rows) {
      AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
        .contentType("application/json")
        .deliveryMode(2)
        .messageId(row.getUUID("event_id").toString())
        .type(row.getString("routing_key"))
        .timestamp(new Date())
        .build();
      Buffer body = Buffer.buffer(row.getJsonObject("payload").encode());
      publishes.add(confirms.publish(rabbit, exchange, row.getString("routing_key"), properties, body));
    }
    return Future.all(publishes).timeout(CONFIRM_TIMEOUT_MS, TimeUnit.MILLISECONDS).mapEmpty();
  }

  private static Future<Void> delete(SqlConnection conn, RowSet<Row> rows) {
    Long[] ids = new Long[rows.size()];
    int i = 0;
    for (Row row : rows) {
      ids[i++] = row.getLong("id");
    }
    return conn.preparedQuery(DELETE).execute(Tuple.of(ids)).mapEmpty();
  }

  private void announce(RowSet<Row> rows) {
    for (Row row : rows) {
      JsonObject user = row.getJsonObject("payload").getJsonObject("user");
      if (user != null) {
        vertx.eventBus().publish(Addresses.USERS_CREATED, user);
      }
    }
  }
}
