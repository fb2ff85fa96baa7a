package io.microservicestack.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.microservicestack.common.Metrics;

import java.util.EnumMap;
import java.util.Map;

/**
 * The edge's refusals, counted: {@code gateway_rate_limited_total{budget}} (requests answered 429 because the
 * caller's {@code write}, {@code read} or {@code connect} budget is spent) and
 * {@code gateway_auth_refusals_total{entry, reason}} (requests and bridge frames refused for who sent them).
 *
 * <p>Every label value comes from a fixed list, never from a path or a subject, and every series is registered at
 * start with zero, so that a dashboard or an alert finds it before the first refusal.
 */
final class EdgeMetrics {

  /** Why the edge refused a caller. */
  enum Refusal {
    /** No bearer token (HTTP 401, or a bridge frame without {@code authorization}). */
    MISSING_TOKEN("missing_token"),
    /** A token the verifier does not accept (HTTP 401 {@code invalid_token}). */
    INVALID_TOKEN("invalid_token"),
    /** A valid token without the route's scope (HTTP 403 {@code insufficient_scope}). */
    INSUFFICIENT_SCOPE("insufficient_scope"),
    /** A websocket upgrade from an origin that is not allowed (HTTP 403). */
    ORIGIN("origin");

    private final String label;

    Refusal(String label) {
      this.label = label;
    }
  }

  /** Where the refused caller came in: the HTTP port (websocket upgrades included) or the event-bus bridge. */
  enum Entry {
    HTTP("http"), BRIDGE("bridge");

    private final String label;

    Entry(String label) {
      this.label = label;
    }
  }

  private final Map<RateLimiter.Kind, Counter> rateLimited = new EnumMap<>(RateLimiter.Kind.class);
  private final Map<Entry, Map<Refusal, Counter>> refusals = new EnumMap<>(Entry.class);

  EdgeMetrics() {
    MeterRegistry registry = Metrics.registry();
    for (RateLimiter.Kind kind : RateLimiter.Kind.values()) {
      rateLimited.put(kind, Counter.builder("gateway.rate.limited").description("Requests refused with 429: the caller's budget is spent")
        .tag("budget", kind.label()).tag(Metrics.ROLE, GatewayVerticle.ROLE).register(registry));
    }
    for (Entry entry : Entry.values()) {
      Map<Refusal, Counter> byReason = new EnumMap<>(Refusal.class);
      for (Refusal reason : Refusal.values()) {
        if (entry == Entry.BRIDGE && reason == Refusal.ORIGIN) {
          continue; // a bridge client is not a browser: there is no origin to refuse
        }
        byReason.put(reason, Counter.builder("gateway.auth.refusals").description("Requests and bridge frames refused for their caller")
          .tag("entry", entry.label).tag("reason", reason.label).tag(Metrics.ROLE, GatewayVerticle.ROLE).register(registry));
      }
      refusals.put(entry, byReason);
    }
  }

  void rateLimited(RateLimiter.Kind budget) {
    rateLimited.get(budget).increment();
  }

  void refused(Entry entry, Refusal reason) {
    refusals.get(entry).get(reason).increment();
  }
}
