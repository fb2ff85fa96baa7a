package io.microservicestack.stack;

import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

import java.util.EnumSet;
import java.util.Set;

/**
 * Turns on Vert.x's Micrometer metrics with a Prometheus registry (unless {@code METRICS_ENABLED=false}); every
 * role's {@code GET /metrics} serves that registry ({@code io.microservicestack.common.Metrics}).
 *
 * <p>HTTP meters are labelled by route template ({@code /users/:id}), never by path, so that ids cannot multiply
 * the series; a path no route matches has no route label. The JVM's memory, GC, thread and CPU meters are on.
 */
final class StackMetrics {

  /**
   * Micrometer meters whose Prometheus names break Prometheus's own conventions ({@code promtool check metrics}:
   * abbreviated units, a {@code _count} suffix on a gauge); the same facts are in {@code process_cpu_usage} and
   * {@code system_cpu_usage}.
   */
  private static final Set<String> UNCONVENTIONAL = Set.of("jvm.compilation.time", "process.cpu.time", "system.cpu.count");

  private StackMetrics() {
  }

  /** A Vert.x builder with {@code options} and, when enabled, the metrics. */
  static VertxBuilder builder(VertxOptions options, StackConfig config) {
    if (!config.bool(LauncherSettings.METRICS_ENABLED)) {
      return Vertx.builder().with(options);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(MeterFilter.deny(id -> UNCONVENTIONAL.contains(id.getName())));
    return Vertx.builder().with(options.setMetricsOptions(options())).withMetrics(new MicrometerMetricsFactory(registry));
  }

  static MicrometerMetricsOptions options() {
    return new MicrometerMetricsOptions()
      .setEnabled(true)
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
      .setJvmMetricsEnabled(true)
      .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.EB_ADDRESS, Label.EB_SIDE,
        Label.EB_FAILURE, Label.POOL_TYPE, Label.POOL_NAME, Label.CLIENT_NAME, Label.NAMESPACE));
  }
}
