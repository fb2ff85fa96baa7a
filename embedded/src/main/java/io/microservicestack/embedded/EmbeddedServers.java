package io.microservicestack.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The zero-install mode: starts, in parallel, the servers the stack has no address for, and stops them together.
 *
 * <pre>{@code
 * EmbeddedServers embedded = EmbeddedServers.start(pgUri == null, redisUri == null, amqpUri == null, pgDataDir);
 * String pg = pgUri != null ? pgUri : embedded.pgUri();
 * ...
 * embedded.close(); // after the stack has stopped
 * }</pre>
 *
 * <p>It blocks the calling thread (the launcher's main thread, before Vert.x deploys anything) until every server
 * listens, and logs where each one does and how long it took. It registers no shutdown hook and no other global
 * state: whoever starts it closes it.
 */
public final class EmbeddedServers implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServers.class);
  /** Covers a first start that unpacks PostgreSQL's binaries on a slow disk; each server also has its own bound. */
  private static final long START_TIMEOUT_SECONDS = 120;
  /** Each server bounds its own stop (PostgreSQL 5 s + pg_ctl, Redis 20 s, Qpid 30 s); this bounds them all. */
  private static final long STOP_TIMEOUT_SECONDS = 60;

  private final EmbeddedPostgres postgres;
  private final EmbeddedRedis redis;
  private final EmbeddedAmqp amqp;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedServers(EmbeddedPostgres postgres, EmbeddedRedis redis, EmbeddedAmqp amqp) {
    this.postgres = postgres;
    this.redis = redis;
    this.amqp = amqp;
  }

  /**
   * Starts the servers asked for, in parallel, and returns when all listen.
   *
   * @param postgres  whether to start PostgreSQL
   * @param redis     whether to start Redis
   * @param amqp      whether to start the AMQP 0-9-1 broker
   * @param pgDataDir where PostgreSQL keeps its data across restarts; {@code null}: a temporary directory
   * @throws EmbeddedServerException when one does not start; those that did are stopped again
   */
  public static EmbeddedServers start(boolean postgres, boolean redis, boolean amqp, Path pgDataDir) {
    if (!postgres && !redis && !amqp) {
      return new EmbeddedServers(null, null, null);
    }
    long started = System.nanoTime();
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "embedded-start-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    try {
      CompletableFuture<EmbeddedPostgres> pg = postgres
        ? startTimed(() -> EmbeddedPostgres.start(pgDataDir), executor) : done();
      CompletableFuture<EmbeddedRedis> rd = redis ? startTimed(EmbeddedRedis::start, executor) : done();
      CompletableFuture<EmbeddedAmqp> mq = amqp ? startTimed(EmbeddedAmqp::start, executor) : done();
      try {
        CompletableFuture.allOf(pg, rd, mq).get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException | InterruptedException e) {
        throw failed(e, List.of(pg, rd, mq));
      }
      EmbeddedServers servers = new EmbeddedServers(pg.join(), rd.join(), mq.join());
      LOG.info("Embedded servers ready in {} ms", millisSince(started));
      return servers;
    } finally {
      executor.shutdown();
    }
  }

  /** The embedded PostgreSQL's URI, {@code postgresql://postgres@127.0.0.1:<port>/postgres}; null if not started. */
  public String pgUri() {
    return postgres == null ? null : postgres.uri();
  }

  /** The embedded Redis's URI, {@code redis://127.0.0.1:<port>}; null if not started. */
  public String redisUri() {
    return redis == null ? null : redis.uri();
  }

  /** The embedded broker's URI, {@code amqp://guest:guest@127.0.0.1:<port>}; null if not started. */
  public String amqpUri() {
    return amqp == null ? null : amqp.uri();
  }

  /** The embedded PostgreSQL, or null. */
  public EmbeddedPostgres postgres() {
    return postgres;
  }

  /** The embedded Redis, or null. */
  public EmbeddedRedis redis() {
    return redis;
  }

  /** The embedded AMQP broker, or null. */
  public EmbeddedAmqp amqp() {
    return amqp;
  }

  /** The started servers' URIs by setting name ({@code PG_URI}, {@code REDIS_URI}, {@code AMQP_URI}). */
  public Map<String, String> uris() {
    Map<String, String> uris = new LinkedHashMap<>();
    if (postgres != null) {
      uris.put("PG_URI", postgres.uri());
    }
    if (redis != null) {
      uris.put("REDIS_URI", redis.uri());
    }
    if (amqp != null) {
      uris.put("AMQP_URI", amqp.uri());
    }
    return uris;
  }

  /** Whether nothing was started. */
  public boolean isEmpty() {
    return postgres == null && redis == null && amqp == null;
  }

  /**
   * Stops every started server, in parallel; returns when they have stopped. Idempotent and never throws.
   * Call it after the stack's verticles are undeployed, so they do not see their servers vanish mid-request.
   */
  @Override
  public void close() {
    if (isEmpty() || !closed.compareAndSet(false, true)) {
      return;
    }
    long started = System.nanoTime();
    List<EmbeddedServer> servers = new ArrayList<>();
    for (EmbeddedServer server : new EmbeddedServer[] {amqp, redis, postgres}) {
      if (server != null) {
        servers.add(server);
      }
    }
    List<Thread> stoppers = new ArrayList<>();
    for (EmbeddedServer server : servers) {
      Thread thread = new Thread(server::close, "embedded-stop-" + stoppers.size());
      thread.start();
      stoppers.add(thread);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_TIMEOUT_SECONDS);
    for (Thread thread : stoppers) {
      try {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    LOG.info("Embedded servers stopped in {} ms", millisSince(started));
  }

  @Override
  public String toString() {
    return "EmbeddedServers" + uris();
  }

  private static <T extends EmbeddedServer> CompletableFuture<T> startTimed(Supplier<T> start,
                                                                           ExecutorService executor) {
    return CompletableFuture.supplyAsync(() -> {
      long started = System.nanoTime();
      T server = start.get();
      if (server instanceof EmbeddedPostgres pg && pg.dataDirectory().isPresent()) {
        LOG.info("Embedded {} listening on {} (started in {} ms, data in {})", server.description(), server.uri(),
          millisSince(started), pg.dataDirectory().get());
      } else {
        LOG.info("Embedded {} listening on {} (started in {} ms)", server.description(), server.uri(),
          millisSince(started));
      }
      return server;
    }, executor);
  }

  private static <T> CompletableFuture<T> done() {
    return CompletableFuture.completedFuture(null);
  }

  /**
   * After a failed start: stops the servers that did start and says what went wrong. When one failed, the others
   * are given time to finish starting so that they are stopped before this returns; after a timeout or an
   * interrupt, they are stopped whenever they finish.
   */
  private static EmbeddedServerException failed(Exception e, List<CompletableFuture<? extends EmbeddedServer>> all) {
    if (e instanceof ExecutionException) {
      try {
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
          .exceptionally(ignored -> null)
          .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
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
      return new EmbeddedServerException("the embedded servers did not start within " + START_TIMEOUT_SECONDS
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

  private static long millisSince(long nanoTime) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
  }
}
