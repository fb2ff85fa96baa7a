package io.microservicestack.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Starting and stopping several embedded servers at once, and cleaning up after a start that failed. */
final class ServerLifecycle {

  /** Logged under the facade's name: these are its lines. */
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServers.class);

  private ServerLifecycle() {
  }

  /** Starts a server on {@code executor} and logs where it listens and how long it took. */
  static <T extends EmbeddedServer> CompletableFuture<T> startLogged(Supplier<T> start, ExecutorService executor) {
    return CompletableFuture.supplyAsync(() -> {
      long started = System.nanoTime();
      T server = start.get();
      if (server instanceof EmbeddedPostgres pg && pg.dataDirectory().isPresent()) {
        LOG.info("Embedded {} listening on {} (started in {} ms, data in {})", server.description(), server.uri(),
          EmbeddedServers.millisSince(started), pg.dataDirectory().get());
      } else {
        LOG.info("Embedded {} listening on {} (started in {} ms)", server.description(), server.uri(),
          EmbeddedServers.millisSince(started));
      }
      return server;
    }, executor);
  }

  /** A server not asked for. */
  static <T> CompletableFuture<T> none() {
    return CompletableFuture.completedFuture(null);
  }

  /**
   * After a failed start: stops the servers that did start and says what went wrong. When one failed, the others
   * are given time to finish starting so that they are stopped before this returns; after a timeout or an
   * interrupt, they are stopped whenever they finish.
   */
  static EmbeddedServerException failed(Exception e, List<CompletableFuture<? extends EmbeddedServer>> all,
                                       long startTimeoutSeconds) {
    if (e instanceof ExecutionException) {
      try {
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
          .exceptionally(ignored -> null)
          .get(startTimeoutSeconds, TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException ignored) {
        // stopped below whenever they finish
      }
    }
    for (CompletableFuture<? extends EmbeddedServer> future : all) {
      future.thenAccept(server -> {
        if (server != null) {
          server.close();
        }
      });
    }
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return new EmbeddedServerException("interrupted while starting the embedded servers", e);
    }
    if (e instanceof TimeoutException) {
      return new EmbeddedServerException("the embedded servers did not start within " + startTimeoutSeconds
        + " s", e);
    }
    EmbeddedServerException failure = null;
    for (CompletableFuture<? extends EmbeddedServer> future : all) {
      if (future.isCompletedExceptionally()) {
        Throwable cause = causeOf(future);
        if (failure == null) {
          failure = cause instanceof EmbeddedServerException ese
            ? ese : new EmbeddedServerException("an embedded server did not start: " + cause, cause);
        } else {
          failure.addSuppressed(cause);
        }
      }
    }
    return failure != null ? failure : new EmbeddedServerException("an embedded server did not start", e);
  }

  private static Throwable causeOf(CompletableFuture<?> failed) {
    try {
      failed.join();
      return null;
    } catch (CompletionException e) {
      return e.getCause();
    } catch (RuntimeException e) {
      return e;
    }
  }

  /** Stops the servers on threads of their own, waiting at most {@code timeoutSeconds} for them all. */
  static void stopAll(List<EmbeddedServer> servers, long timeoutSeconds) {
    List<Thread> stoppers = new ArrayList<>();
    for (EmbeddedServer server : servers) {
      Thread thread = new Thread(server::close, "embedded-stop-" + stoppers.size());
      thread.start();
      stoppers.add(thread);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    for (Thread thread : stoppers) {
      try {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
