package io.microservicestack.gateway;

import io.microservicestack.common.FeedPosition;
import io.microservicestack.common.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The feed's part of a user's trace: handing a released user to the websockets is a span of its own,
 * {@value #NAME} (kind PRODUCER), linked to the create that made the user.
 *
 * <p>The announcement on {@code users.created} arrives inside the create's trace (Vert.x carries it over the event
 * bus), but the tail releases users later and in batches, so the delivery is not a child of the create: it starts a
 * trace of its own with a link to the announcement's span, remembered here by feed position until the user is
 * released. A user released without an announcement (a lost or late one: the tail read it first) gets a span without
 * a link. At most {@value #REMEMBERED} announcements are remembered, the oldest forgotten first.
 *
 * <p>With tracing off nothing is remembered and no span is made: one check per user. Only touched on the event
 * loop of the verticle that owns the tail.
 */
final class FeedSpans {

  static final String NAME = "users.feed deliver";
  static final int REMEMBERED = 1_024;

  private final Map<FeedPosition, SpanContext> announcements = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<FeedPosition, SpanContext> eldest) {
      return size() > REMEMBERED;
    }
  };

  /** Remembers the current span (the announcement's) for the user at {@code position}. */
  void announced(FeedPosition position) {
    if (!Tracing.enabled()) {
      return;
    }
    SpanContext announcement = Span.current().getSpanContext();
    if (announcement.isValid()) {
      announcements.put(position, announcement);
    }
  }

  /** Runs {@code deliver} for {@code event} inside its delivery span (directly when tracing is off). */
  void deliver(FeedEvent event, Consumer<FeedEvent> deliver) {
    if (!Tracing.enabled()) {
      deliver.accept(event);
      return;
    }
    Span span = Tracing.startLinked(NAME, SpanKind.PRODUCER, announcements.remove(event.position()))
      .setAttribute("user.id", event.id())
      .setAttribute("feed.position", String.valueOf(event.position()));
    Throwable failure = null;
    try (Scope scope = span.makeCurrent()) {
      deliver.accept(event);
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    } finally {
      Tracing.end(span, failure);
    }
  }
}
