package io.microservicestack.user;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.microservicestack.common.Metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The relay's meters, labelled with the role it runs in:
 * <ul>
 *   <li>{@code outbox_events_published_total}: events the broker confirmed; {@code outbox_publish_failures_total}:
 *   publishes nacked, timed out or cut off (the row stays for the sweep);</li>
 *   <li>{@code outbox_publish_confirm_seconds}: from publish to the broker's confirm;</li>
 *   <li>{@code outbox_pending_rows}, {@code outbox_oldest_age_seconds}: the outbox table as the last periodic count
 *   saw it (every relay of a role in a JVM shares them: they describe the one table).</li>
 * </ul>
 */
final class OutboxMetrics {

  /** The table's state per role, shared by the relays of that role (gauges are registered once). */
  private static final Map<String, double[]> TABLE = new ConcurrentHashMap<>();

  private final Counter published;
  private final Counter failed;
  private final Timer confirm;
  private final double[] table;

  OutboxMetrics(String role) {
    MeterRegistry registry = Metrics.registry();
    published = Counter.builder("outbox.events.published").description("Outbox events published and confirmed by the broker")
      .tag(Metrics.ROLE, role).register(registry);
    failed = Counter.builder("outbox.publish.failures")
      .description("Outbox publishes nacked, timed out or cut off; the rows stay for the sweep")
      .tag(Metrics.ROLE, role).register(registry);
    confirm = Timer.builder("outbox.publish.confirm").description("Time from an outbox event's publish to the broker's confirm")
      .tag(Metrics.ROLE, role).register(registry);
    table = TABLE.computeIfAbsent(role, r -> new double[2]);
    Gauge.builder("outbox.pending.rows", table, t -> t[0]).description("Outbox rows not yet published (periodic count)")
      .tag(Metrics.ROLE, role).strongReference(true).register(registry);
    Gauge.builder("outbox.oldest.age", table, t -> t[1]).baseUnit("seconds")
      .description("Age of the oldest outbox row not yet published, 0 when none (periodic count)")
      .tag(Metrics.ROLE, role).strongReference(true).register(registry);
  }

  void confirmed(long startNanos) {
    published.increment();
    confirm.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  void failed() {
    failed.increment();
  }

  void table(long pendingRows, double oldestAgeSeconds) {
    table[0] = pendingRows;
    table[1] = oldestAgeSeconds;
  }
}
