package io.microservicestack.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many websockets each client address holds open, counted over every gateway instance of the JVM (a local
 * shared map), so that one address cannot hold more than {@code max} at once. {@code max} 0 counts nothing.
 */
final class ClientLimit {

  private static final String MAP = "gateway.websockets-per-client";

  private final int max;
  private final LocalMap<String, Integer> open;

  ClientLimit(Vertx vertx, int max) {
    this.max = max;
    this.open = max == 0 ? null : vertx.sharedData().getLocalMap(MAP);
  }

  /** Counts one more websocket of {@code address}, unless it holds {@code max} already: then false. */
  boolean tryAcquire(String address) {
    if (open == null) {
      return true;
    }
    AtomicBoolean acquired = new AtomicBoolean();
    open.compute(address, (key, count) -> {
      int now = count == null ? 0 : count;
      if (now >= max) {
        return now;
      }
      acquired.set(true);
      return now + 1;
    });
    return acquired.get();
  }

  /** Counts one websocket of {@code address} less (once per successful {@link #tryAcquire}). */
  void release(String address) {
    if (open != null) {
      open.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
    }
  }

  int max() {
    return max;
  }
}
