package io.microservicestack.common.testing;

import io.vertx.core.Future;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waiting in tests, one way for every module. A future's result is {@link #result(Future, String)} (from the test
 * thread, never from an event loop); a condition is polled with Awaitility, always with a description of what is
 * awaited and a bound: {@code await("the user's slack message").atMost(Duration.ofSeconds(15)).until(...)}.
 * Tests never sleep.
 */
public final class Await {

  /** How long a future may take before the test fails: generous, so that a loaded machine does not fail it. */
  public static final long FUTURE_SECONDS = 15;

  private Await() {
  }

  /** The future's value, waiting at most {@value #FUTURE_SECONDS} s; fails naming {@code what} otherwise. */
  public static <T> T result(Future<T> future, String what) {
    try {
      return future.await(FUTURE_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(what + ": no result within " + FUTURE_SECONDS + " s", e);
    }
  }

  /** The future's value, waiting at most {@value #FUTURE_SECONDS} s. */
  public static <T> T result(Future<T> future) {
    return result(future, "the future");
  }
}
