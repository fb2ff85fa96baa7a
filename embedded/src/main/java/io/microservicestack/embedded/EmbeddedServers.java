package io.microservicestack.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
        ? ServerLifecycle.startLogged(() -> EmbeddedPostgres.start(pgDataDir), executor) : ServerLifecycle.none();
      CompletableFuture<EmbeddedRedis> rd = redis ? ServerLifecycle.startLogged(EmbeddedRedis::start, executor) : ServerLifecycle.none();
      CompletableFuture<EmbeddedAmqp> mq = amqp ? ServerLifecycle.startLogged(EmbeddedAmqp::start, executor) : ServerLifecycle.none();
      try {
        CompletableFuture.allOf(pg, rd, mq).get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException | InterruptedException e) {
        throw ServerLifecycle.failed(e, List.of(pg, rd, mq), START_TIMEOUT_SECONDS);
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
    ServerLifecycle.stopAll(servers, STOP_TIMEOUT_SECONDS);
    LOG.info("Embedded servers stopped in {} ms", millisSince(started));
  }

  @Override
  public String toString() {
    return "EmbeddedServers" + uris();
  }

  static long millisSince(long nanoTime) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
  }
}
