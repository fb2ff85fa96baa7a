package io.microservicestack.user;

import com.rabbitmq.client.AMQP;
import io.microservicestack.common.Amqp;
import io.microservicestack.common.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.sqlclient.Pool;
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
 * <ul>
 *   <li><b>Right after the commit</b> ({@link #publish(OutboxEvent)}, called by {@link UserService}): the row the
 *   insert returned is published at once, persistent, with a publisher confirm
 *   ({@link PublisherConfirms}, no thread blocked); after the confirm the row's id joins the next batched
 *   {@code DELETE}. No extra round trip to PostgreSQL before the event goes out.</li>
 *   <li><b>The sweep</b>, every {@code relaySweepMs}: rows older than {@value #STALE_MS} ms are ones whose publish
 *   failed (broker down, connection dropped before the confirm) or whose process died. A sweep claims a batch of
 *   them for {@value #CLAIM_MS} ms in one short statement ({@code FOR UPDATE SKIP LOCKED} and a
 *   {@code claimed_until} lease, so relays in several processes never take the same row at once), then publishes,
 *   waits for the confirms and deletes, with no transaction open meanwhile (an open transaction would hold back
 *   the live feed).</li>
 * </ul>
 * Nothing is deleted before its confirm, so an event is never lost; a row may be published twice (a crash
 * between confirm and delete, a confirm slower than {@value #STALE_MS} ms, a claim that ran out), which consumers
 * absorb by event id.
 */
public final class OutboxRelay {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
  static final int BATCH = 500;
  /** A row this old was not published right after its commit, and is the sweep's. */
  static final long STALE_MS = 2_000;
  private static final long CONFIRM_TIMEOUT_MS = 5_000;
  /**
   * Confirmed rows are deleted together, at most this long after their confirm. Each DELETE is a transaction of its
   * own (a commit, a WAL flush): at 2,500 creates/s a 5 ms window made one per 13 rows, 50 ms one per 125. In
   * alternating bench runs PostgreSQL cost 2.60-2.74 × pgbench per INSERT with 50 ms against 2.93-3.60 × with 5 ms
   * (bench/README.md); pgbench alone (bench/outbox-cost.sh) put 64 rows per DELETE against 8 within its noise. The
   * sweep takes only rows older than {@value #STALE_MS} ms, so a row waiting here is never published twice.
   */
  private static final long DELETE_DELAY_MS = 50;
  /** How long a sweep's claim on a row lasts: longer than a publish may wait for its confirm. */
  static final long CLAIM_MS = 10_000;
  /**
   * Claims a batch of stale rows that no relay holds a live claim on, in one short statement: the rows stay
   * claimed for {@value #CLAIM_MS} ms while they are published outside any transaction.
   */
  private static final String CLAIM_STALE = """
    UPDATE outbox SET claimed_until = now() + interval '%d milliseconds'
    WHERE id IN (
      SELECT id FROM outbox
      WHERE created_at < now() - interval '%d milliseconds' AND (claimed_until IS NULL OR claimed_until < now())
      ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
    RETURNING id AS outbox_id, event_id, routing_key, traceparent, payload::text AS payload""".formatted(CLAIM_MS, STALE_MS);
  private static final String DELETE = "DELETE FROM outbox WHERE id = ANY($1)";
  /** How often the relay counts the outbox for its gauges. */
  static final long COUNT_MS = 5_000;
  private static final String COUNT = "SELECT count(*) AS pending, "
    + "coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest FROM outbox";

  private final Vertx vertx;
  private final Pool pool;
  private final String exchange;
  private final PublisherConfirms confirms;
  private final List<Long> confirmed = new ArrayList<>();
  private RabbitMQClient client;
  private Future<?> schemaReady;
  private boolean sweeping;
  private boolean stopped;
  private long sweepTimer = -1;
  private long deleteTimer = -1;
  private long countTimer = -1;
  private final OutboxMetrics metrics;
  /** Publishes and sweeps not finished yet, so that {@link #stop()} can let them finish. */
  private final Set<Future<?>> inFlight = new HashSet<>();

  private OutboxRelay(Vertx vertx, Pool pool, String exchange, String role) {
    this.metrics = new OutboxMetrics(role);
    this.vertx = vertx;
    this.pool = pool;
    this.exchange = exchange;
    this.confirms = new PublisherConfirms(vertx.getOrCreateContext());
  }

  /**
   * Starts a relay: its RabbitMQ client connects in the background (the relay does not wait for the broker;
   * rows simply wait in the outbox), and the sweep runs every {@code relaySweepMs} once the schema is ready; every
   * {@value #COUNT_MS} ms it counts the outbox for its gauges ({@link OutboxMetrics}, labelled {@code role}).
   */
  public static OutboxRelay start(Vertx vertx, Pool pool, UserConfig config, Future<?> schemaReady, String role) {
    OutboxRelay relay = new OutboxRelay(vertx, pool, config.eventsExchange(), role);
    relay.schemaReady = schemaReady;
    Amqp.start(vertx, Amqp.options(config.amqpUri(), config.amqpReconnectMs()), "outbox relay",
        client -> Amqp.declareTopicExchange(client, config.eventsExchange()).compose(v -> relay.confirms.attach(client)))
      .onSuccess(client -> relay.client = client);
    relay.sweepTimer = vertx.setPeriodic(config.relaySweepMs(), id -> relay.sweep());
    relay.countTimer = vertx.setPeriodic(1, COUNT_MS, id -> relay.count());
    return relay;
  }

  /**
   * Announces a row just committed on the event bus and publishes it; when publishing fails the row stays for
   * the sweep.
   */
  public void publish(OutboxEvent event) {
    RabbitMQClient rabbit = client;
    if (stopped || rabbit == null || !rabbit.isConnected()) {
      return;
    }
    track(publish(rabbit, event).onSuccess(v -> deleteSoon(event.outboxId())));
  }

  /** Stops sweeping, lets the work in progress finish (deleting what was confirmed), and closes the connection. */
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(countTimer);
    return Future.join(List.copyOf(inFlight))
      .<Void>transform(ar -> deleteConfirmed())
      .<Void>transform(ar -> client == null ? Future.succeededFuture() : client.stop());
  }

  /**
   * One sweep at a time: claim a batch of stale rows (a short statement), publish them with confirms, delete them.
   * No transaction stays open across the publish, so the live feed is never held back by a slow broker.
   */
  private void sweep() {
    RabbitMQClient rabbit = client;
    if (sweeping || stopped || rabbit == null || !rabbit.isConnected() || !schemaReady.succeeded()) {
      return;
    }
    sweeping = true;
    Future<List<OutboxEvent>> swept = pool.preparedQuery(CLAIM_STALE).execute(Tuple.of(BATCH))
      .map(rows -> {
        List<OutboxEvent> events = new ArrayList<>(rows.size());
        rows.forEach(row -> events.add(OutboxEvent.of(row)));
        return events;
      })
      .compose(events -> Future.all(events.stream().map(event -> publish(rabbit, event)).toList())
        .compose(v -> events.isEmpty() ? Future.succeededFuture() : pool.preparedQuery(DELETE).execute(Tuple.of(ids(events))))
        .map(events));
    track(swept).onComplete(ar -> {
      sweeping = false;
      if (ar.failed()) {
        LOG.warn("Outbox sweep failed, the rows stay for the next one: {}", ar.cause().getMessage());
      } else {
        if (!ar.result().isEmpty()) {
          LOG.info("Outbox sweep published {} events left behind", ar.result().size());
        }
        if (ar.result().size() == BATCH) {
          sweep();
        }
      }
    });
  }

  /** Refreshes the outbox gauges; a failed count leaves the last values. */
  private void count() {
    if (stopped || !schemaReady.succeeded()) {
      return;
    }
    pool.query(COUNT).execute()
      .onSuccess(rows -> {
        var row = rows.iterator().next();
        metrics.table(row.getLong("pending"), row.getDouble("oldest"));
      })
      .onFailure(e -> LOG.debug("Counting the outbox failed: {}", e.getMessage()));
  }

  private <T> Future<T> track(Future<T> work) {
    inFlight.add(work);
    return work.onComplete(ar -> inFlight.remove(work));
  }

  private Future<Void> publish(RabbitMQClient rabbit, OutboxEvent event) {
    // A producer span under the request that wrote the row; the consumers continue it from the headers.
    Span span = Tracing.start(event.routingKey() + " publish", SpanKind.PRODUCER, event.traceparent());
    span.setAttribute("messaging.system", "rabbitmq");
    span.setAttribute("messaging.destination.name", exchange);
    span.setAttribute("messaging.rabbitmq.destination.routing_key", event.routingKey());
    span.setAttribute("messaging.message.id", event.eventId().toString());
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
      .contentType("application/json")
      .deliveryMode(2)
      .messageId(event.eventId().toString())
      .type(event.routingKey())
      .timestamp(new Date())
      .headers(Tracing.withTraceparent(null, span))
      .build();
    long start = System.nanoTime();
    return confirms.publish(rabbit, exchange, event.routingKey(), properties, Buffer.buffer(event.payload()))
      .timeout(CONFIRM_TIMEOUT_MS, TimeUnit.MILLISECONDS)
      .andThen(ar -> {
        Tracing.end(span, ar.cause());
        if (ar.succeeded()) {
          metrics.confirmed(start);
        } else {
          metrics.failed();
        }
      });
  }

  private void deleteSoon(long outboxId) {
    confirmed.add(outboxId);
    if (deleteTimer == -1) {
      deleteTimer = vertx.setTimer(DELETE_DELAY_MS, id -> {
        deleteTimer = -1;
        deleteConfirmed();
      });
    }
  }

  /** Deletes the confirmed rows; if that fails they stay, and the sweep publishes them again (a duplicate, not a loss). */
  private Future<Void> deleteConfirmed() {
    if (confirmed.isEmpty()) {
      return Future.succeededFuture();
    }
    Long[] ids = confirmed.toArray(Long[]::new);
    confirmed.clear();
    return pool.preparedQuery(DELETE).execute(Tuple.of((Object) ids))
      .onFailure(e -> LOG.warn("Deleting {} published outbox rows failed; the sweep will publish them again: {}",
        ids.length, e.getMessage()))
      .mapEmpty();
  }

  private static Long[] ids(List<OutboxEvent> events) {
    return events.stream().map(OutboxEvent::outboxId).toArray(Long[]::new);
  }
}
