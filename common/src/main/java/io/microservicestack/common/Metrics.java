package io.microservicestack.common;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * Where the services' own meters go, and how {@code GET /metrics} serves them.
 *
 * <p>The launcher enables vertx-micrometer-metrics with a Prometheus registry ({@code METRICS_ENABLED}); Vert.x's
 * own meters (HTTP server and client by route template, event bus, pools, JVM) and the services' domain meters
 * share it. Every role's HTTP port serves it whole: in one JVM every role sees the same registry, which is why each
 * domain meter carries a {@value #ROLE} label. Meters are created once, when a service starts, never per request.
 *
 * <p>Without metrics (a test's plain Vert.x, {@code METRICS_ENABLED=false}) {@link #registry()} is Micrometer's
 * global composite registry, which records nothing until a registry is added to it, and {@code /metrics} is 404.
 */
public final class Metrics {

  /** The label naming the role that recorded a domain meter: {@code user}, {@code user-queue}, {@code slack}, {@code gateway}. */
  public static final String ROLE = "role";

  private Metrics() {
  }

  /** The registry Vert.x records into, or a no-op one when metrics are disabled. */
  public static MeterRegistry registry() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return registry != null ? registry : io.micrometer.core.instrument.Metrics.globalRegistry;
  }

  /** The Prometheus scrape handler, or null when Vert.x records no Prometheus metrics. */
  static Handler<RoutingContext> scrapeHandler() {
    return BackendRegistries.getDefaultNow() instanceof PrometheusMeterRegistry prometheus
      ? PrometheusScrapingHandler.create(prometheus)
      : null;
  }
}
