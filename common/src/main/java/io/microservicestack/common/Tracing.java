package io.microservicestack.common;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Trace context where no library carries it: the outbox row, the AMQP headers, the consumers.
 *
 * <p>vertx-opentelemetry traces HTTP, the event bus and the SQL and Redis clients, keeping the current span in the
 * Vert.x context. The RabbitMQ client has no tracing: a producer writes the W3C {@value #TRACEPARENT} of its span
 * into the message headers ({@link #traceparent(Span)}), and a consumer continues it ({@link #consume}), running its
 * work in a context of its own where that span is current, so that the SQL, Redis and HTTP calls it makes are
 * its children. Without a tracer installed ({@link #install}) every call here is a cheap no-op.
 */
public final class Tracing {

  /** The W3C trace-context header and column name. */
  public static final String TRACEPARENT = "traceparent";
  private static final String SCOPE = "io.microservicestack";
  private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  private static volatile Tracer tracer = OpenTelemetry.noop().getTracer(SCOPE);
  private static volatile boolean enabled;

  private Tracing() {
  }

  /** Makes {@code openTelemetry} the tracer of the hand-made spans (the launcher calls it when tracing is on). */
  public static void install(OpenTelemetry openTelemetry) {
    tracer = openTelemetry.getTracer(SCOPE);
    enabled = true;
  }

  /** Whether a tracer is installed: when not, callers skip the work that only feeds spans. */
  public static boolean enabled() {
    return enabled;
  }

  /** The W3C traceparent of the current span, or null when there is none. */
  public static String currentTraceparent() {
    return enabled ? traceparent(Span.current()) : null;
  }

  /** The W3C traceparent of {@code span}, or null when it is not a valid span. */
  public static String traceparent(Span span) {
    SpanContext context = span.getSpanContext();
    if (!context.isValid()) {
      return null;
    }
    return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
  }

  /** The context a {@code traceparent} names, or the root context when it is null or not valid. */
  public static Context parent(String traceparent) {
    if (traceparent == null) {
      return Context.root();
    }
    return W3CTraceContextPropagator.getInstance().extract(Context.root(), Map.of(TRACEPARENT, traceparent), GETTER);
  }

  /** Starts a span of {@code kind} under {@code traceparent} (a new trace when null); the caller ends it. */
  public static Span start(String name, SpanKind kind, String traceparent) {
    return tracer.spanBuilder(name).setSpanKind(kind).setParent(parent(traceparent)).startSpan();
  }

  /**
   * Starts a span of {@code kind} that begins a trace of its own, linked to {@code link} (the span that caused it,
   * in another trace) unless that is null or not valid; the caller ends it. For work that one trace caused but that
   * is not part of it, like a delivery that batches what several requests created.
   */
  public static Span startLinked(String name, SpanKind kind, SpanContext link) {
    SpanBuilder builder = tracer.spanBuilder(name).setSpanKind(kind).setNoParent();
    if (link != null && link.isValid()) {
      builder.addLink(link);
    }
    return builder.startSpan();
  }

  /** Ends {@code span}, with an error status when {@code failure} is not null. */
  public static void end(Span span, Throwable failure) {
    if (failure != null) {
      span.recordException(failure);
      span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
    }
    span.end();
  }

  /**
   * Runs a consumer's {@code work} for one message in a span of kind CONSUMER that continues {@code traceparent}
   * (a new trace when there is none); the work runs on a duplicate of the current Vert.x context where that span is
   * current, and the span ends when the work's future completes.
   */
  public static <T> Future<T> consume(Vertx vertx, String name, String traceparent, Supplier<Future<T>> work) {
    if (!enabled) {
      try {
        return work.get();
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
    Span span = start(name, SpanKind.CONSUMER, traceparent);
    ContextInternal duplicate = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
    Promise<T> done = duplicate.promise();
    duplicate.runOnContext(v -> {
      // Left attached: the duplicate context is this message's alone and ends with it.
      Context.current().with(span).makeCurrent();
      Future<T> result;
      try {
        result = work.get();
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> end(span, ar.cause())).onComplete(done);
    });
    return done.future();
  }

  /** The headers of a message as text, for {@link #parent}: the {@value #TRACEPARENT} header or null. */
  public static String traceparent(Map<String, Object> headers) {
    Object value = headers == null ? null : headers.get(TRACEPARENT);
    return value == null ? null : value.toString();
  }

  /** Headers that carry {@code span}'s context, added to {@code headers} (which may be null). */
  public static Map<String, Object> withTraceparent(Map<String, Object> headers, Span span) {
    String traceparent = traceparent(span);
    if (traceparent == null) {
      return headers;
    }
    Map<String, Object> copy = headers == null ? new HashMap<>() : new HashMap<>(headers);
    copy.put(TRACEPARENT, traceparent);
    return copy;
  }
}
