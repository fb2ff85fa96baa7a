package io.microservicestack.common;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a queue consumer settled its deliveries: {@code events_consumed_total{consumer, outcome, reason, role}}.
 *
 * <p>{@code outcome} is one of {@link Outcome}; {@code reason} is {@value #NO_REASON} or one word from a short fixed
 * list the consumer owns (never an error message: each value is a series of its own). Counters are created on
 * first use of an (outcome, reason) pair and reused after.
 */
public final class ConsumerMetrics {

  /** The reason of an outcome that needs none. */
  public static final String NO_REASON = "none";

  /** What became of a delivery. */
  public enum Outcome {
    /** Processed and acked. */
    STORED,
    /** Already processed (a redelivery, a repeated request id); acked without doing it again. */
    DUPLICATE,
    /** Failed for now; handed back to the broker to be delivered again. */
    RETRIED,
    /** Parked in the dead-letter queue. */
    DEAD_LETTERED;

    final String label = name().toLowerCase(Locale.ROOT);
  }

  private final MeterRegistry registry;
  private final String consumer;
  private final String role;
  private final Map<Outcome, Map<String, Counter>> counters = new EnumMap<>(Outcome.class);

  /**
   * @param consumer the consumer's name, e.g. the queue it reads
   * @param role     the role it runs in
   */
  public ConsumerMetrics(String consumer, String role) {
    this.registry = Metrics.registry();
    this.consumer = consumer;
    this.role = role;
    for (Outcome outcome : Outcome.values()) {
      counters.put(outcome, new ConcurrentHashMap<>());
      counter(outcome, NO_REASON);
    }
  }

  /** Counts one delivery settled with {@code outcome} and no reason. */
  public void count(Outcome outcome) {
    count(outcome, NO_REASON);
  }

  /** Counts one delivery settled with {@code outcome}; {@code reason} must come from a fixed list. */
  public void count(Outcome outcome, String reason) {
    counter(outcome, reason).increment();
  }

  private Counter counter(Outcome outcome, String reason) {
    Map<String, Counter> byReason = counters.get(outcome);
    Counter counter = byReason.get(reason);
    if (counter == null) {
      counter = Counter.builder("events.consumed")
        .description("Deliveries a queue consumer settled, by outcome (stored, duplicate, retried, dead_lettered)")
        .tag("consumer", consumer)
        .tag("outcome", outcome.label)
        .tag("reason", reason)
        .tag(Metrics.ROLE, role)
        .register(registry);
      byReason.put(reason, counter);
    }
    return counter;
  }
}
