package io.microservicestack.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/**
 * A latency distribution in microseconds (HdrHistogram, 3 significant digits, up to one minute), summarised in
 * milliseconds as {@code {"count", "p50", "p99", "max"}}. Not thread-safe: record from one thread, or synchronise.
 */
public final class Latencies {

  private final Histogram histogram = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);

  /** Records one latency given in nanoseconds; negative values (clock races) count as zero. */
  public void recordNanos(long nanos) {
    histogram.recordValue(Math.min(histogram.getHighestTrackableValue(), Math.max(0, nanos / 1_000)));
  }

  public long count() {
    return histogram.getTotalCount();
  }

  /** The percentile in milliseconds (e.g. 99.0). */
  public double percentileMs(double percentile) {
    return histogram.getValueAtPercentile(percentile) / 1_000.0;
  }

  public double maxMs() {
    return histogram.getMaxValue() / 1_000.0;
  }

  public double meanMs() {
    return histogram.getMean() / 1_000.0;
  }

  /** {@code {"count", "p50", "p99", "max"}}, in milliseconds rounded to microseconds. */
  public JsonObject summary() {
    return new JsonObject()
      .put("count", count())
      .put("p50", round(percentileMs(50)))
      .put("p99", round(percentileMs(99)))
      .put("max", round(maxMs()));
  }

  static double round(double ms) {
    return Math.round(ms * 1_000) / 1_000.0;
  }
}
