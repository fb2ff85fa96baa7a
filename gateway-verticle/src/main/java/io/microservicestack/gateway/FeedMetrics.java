package io.microservicestack.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.microservicestack.common.Metrics;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The websocket feed's meters: {@code feed_subscribers} (websockets open now, every gateway instance of the JVM),
 * {@code feed_frames_sent_total} (user frames written, replayed or live) and {@code feed_slow_clients_closed_total}
 * (clients closed for falling {@code wsMaxBuffered} frames behind).
 */
final class FeedMetrics {

  /** Open feed websockets of every gateway verticle instance in this JVM. */
  private static final AtomicInteger SUBSCRIBERS = new AtomicInteger();

  private final Counter framesSent;
  private final Counter slowClosed;

  FeedMetrics() {
    MeterRegistry registry = Metrics.registry();
    Gauge.builder("feed.subscribers", SUBSCRIBERS, AtomicInteger::get).description("Websockets subscribed to the user feed")
      .tag(Metrics.ROLE, GatewayVerticle.ROLE).strongReference(true).register(registry);
    framesSent = Counter.builder("feed.frames.sent").description("User frames written to feed websockets")
      .tag(Metrics.ROLE, GatewayVerticle.ROLE).register(registry);
    slowClosed = Counter.builder("feed.slow.clients.closed").description("Feed websockets closed for falling too far behind")
      .tag(Metrics.ROLE, GatewayVerticle.ROLE).register(registry);
  }

  void subscribed() {
    SUBSCRIBERS.incrementAndGet();
  }

  void unsubscribed() {
    SUBSCRIBERS.decrementAndGet();
  }

  void frameSent() {
    framesSent.increment();
  }

  void closedTooSlow() {
    slowClosed.increment();
  }
}
