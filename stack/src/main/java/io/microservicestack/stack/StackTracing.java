package io.microservicestack.stack;

import io.microservicestack.common.Setting;
import io.microservicestack.common.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * OpenTelemetry tracing, configured by the OpenTelemetry environment conventions: {@code OTEL_TRACES_EXPORTER}
 * ({@code none} by default, {@code otlp}, {@code zipkin}), {@code OTEL_EXPORTER_OTLP_ENDPOINT},
 * {@code OTEL_EXPORTER_ZIPKIN_ENDPOINT}, {@code OTEL_SERVICE_NAME}, {@code OTEL_TRACES_SAMPLER}, and every other
 * {@code OTEL_*} variable or {@code -Dotel.*} property the SDK's autoconfiguration reads. The launcher's
 * {@code -DOTEL_...=} properties win over both. Metrics and logs never go through OpenTelemetry (Micrometer serves
 * the metrics).
 *
 * <p>With an exporter, Vert.x traces HTTP servers and clients, the event bus and the SQL and Redis clients;
 * {@link Tracing} carries the context through the outbox and AMQP; JSON log lines get the trace and span ids.
 */
final class StackTracing {

  private static final String DEFAULT_SERVICE = "microservice-stack";

  private StackTracing() {
  }

  /** The SDK the settings ask for, or null when {@code OTEL_TRACES_EXPORTER} is {@code none}. */
  static OpenTelemetrySdk fromConfig(StackConfig config, Set<Role> roles) {
    Map<String, String> overrides = new HashMap<>();
    put(overrides, config, LauncherSettings.OTEL_TRACES_EXPORTER, "otel.traces.exporter");
    put(overrides, config, LauncherSettings.OTEL_EXPORTER_OTLP_ENDPOINT, "otel.exporter.otlp.endpoint");
    put(overrides, config, LauncherSettings.OTEL_EXPORTER_ZIPKIN_ENDPOINT, "otel.exporter.zipkin.endpoint");
    put(overrides, config, LauncherSettings.OTEL_SERVICE_NAME, "otel.service.name");
    put(overrides, config, LauncherSettings.OTEL_TRACES_SAMPLER, "otel.traces.sampler");
    overrides.put("otel.metrics.exporter", "none");
    overrides.put("otel.logs.exporter", "none");
    String service = roles.size() == 1 ? roles.iterator().next().roleName() : DEFAULT_SERVICE;
    String[] exporter = {"none"};
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
      .addPropertiesSupplier(() -> Map.of("otel.traces.exporter", "none", "otel.service.name", service))
      .addPropertiesCustomizer(properties -> {
        exporter[0] = overrides.getOrDefault("otel.traces.exporter", properties.getString("otel.traces.exporter", "none"));
        return overrides;
      })
      .build()
      .getOpenTelemetrySdk();
    if ("none".equals(exporter[0].trim().toLowerCase(Locale.ROOT))) {
      sdk.close();
      return null;
    }
    return sdk;
  }

  private static void put(Map<String, String> overrides, StackConfig config, Setting setting, String property) {
    if (config.isSet(setting)) {
      overrides.put(property, config.get(setting));
    }
  }

  /** Options to build Vert.x with: the tracing options when {@code openTelemetry} is not null. */
  static VertxOptions options(VertxOptions options, OpenTelemetry openTelemetry) {
    return openTelemetry == null ? options : options.setTracingOptions(new OpenTelemetryOptions());
  }

  /**
   * Adds the tracer to {@code builder} and hands {@code openTelemetry} to the hand-made spans and the log lines;
   * nothing when it is null.
   */
  static VertxBuilder install(VertxBuilder builder, OpenTelemetry openTelemetry) {
    if (openTelemetry == null) {
      return builder;
    }
    Tracing.install(openTelemetry);
    LogEncoder.traceIds(event -> {
      SpanContext span = Span.current().getSpanContext();
      return span.isValid() ? new String[] {span.getTraceId(), span.getSpanId()} : null;
    });
    return builder.withTracer(new OpenTelemetryTracingFactory(openTelemetry));
  }
}
