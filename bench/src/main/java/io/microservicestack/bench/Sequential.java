package io.microservicestack.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.function.Supplier;

/** Runs an asynchronous operation back to back (the next starts when the previous one completed) for a while. */
final class Sequential {

  private Sequential() {
  }

  /**
   * Repeats {@code operation} for {@code durationMs}, recording each one's latency in {@code latencies} (when not
   * null); fails on the first failure. Completes with the number of operations.
   */
  static Future<Long> run(Vertx vertx, Supplier<Future<?>> operation, long durationMs, Latencies latencies) {
    Promise<Long> done = Promise.promise();
    long end = System.nanoTime() + durationMs * 1_000_000;
    next(vertx, operation, end, latencies, new long[1], done);
    return done.future();
  }

  private static void next(Vertx vertx, Supplier<Future<?>> operation, long end, Latencies latencies, long[] count,
                           Promise<Long> done) {
    long start = System.nanoTime();
    if (start >= end) {
      done.complete(count[0]);
      return;
    }
    operation.get().onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      if (latencies != null) {
        synchronized (latencies) {
          latencies.recordNanos(System.nanoTime() - start);
        }
      }
      count[0]++;
      // Every 1000 operations, continue from a fresh task so a chain of already-completed futures cannot grow the stack.
      if (count[0] % 1000 == 0) {
        vertx.runOnContext(v -> next(vertx, operation, end, latencies, count, done));
      } else {
        next(vertx, operation, end, latencies, count, done);
      }
    });
  }
}
