package io.microservicestack.stack;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;

import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Questions the tracing tests ask of the spans an in-memory exporter has received. */
final class Spans {

  private Spans() {
  }

  /** The first finished span that matches, or null. */
  static SpanData find(InMemorySpanExporter spans, Predicate<SpanData> predicate) {
    return spans.getFinishedSpanItems().stream().filter(predicate).findFirst().orElse(null);
  }

  /** Whether {@code span} is a direct child of {@code parent} in the same trace. */
  static boolean isChildOf(SpanData span, SpanData parent) {
    return parent != null && span.getParentSpanId().equals(parent.getSpanId()) && span.getTraceId().equals(parent.getTraceId());
  }

  static Object attribute(SpanData span, String key) {
    return span.getAttributes().get(AttributeKey.stringKey(key));
  }

  static Long longAttribute(SpanData span, String key) {
    return span.getAttributes().get(AttributeKey.longKey(key));
  }

  /** Every finished span on a line (kind, name, trace, id, parent, attributes): what an assertion shows when it fails. */
  static String dump(InMemorySpanExporter spans) {
    return spans.getFinishedSpanItems().stream()
      .map(span -> span.getKind() + " " + span.getName() + " trace=" + span.getTraceId().substring(0, 8) + " id=" + span.getSpanId()
        + " parent=" + span.getParentSpanId() + " " + span.getAttributes().asMap())
      .collect(Collectors.joining("\n"));
  }
}
