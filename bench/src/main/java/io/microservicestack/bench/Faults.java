package io.microservicestack.bench;

import io.microservicestack.common.testing.TcpProxy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The faults of a soak, injected one at a time in turn: every RabbitMQ connection of the stack dropped, PostgreSQL
 * cut for a while (both through the probe's {@link TcpProxy}s, so nobody else's connections are touched), and, when
 * the roles run as separate JVMs ({@link RoleJvms}), the slack JVM and the second user JVM killed with SIGKILL and
 * started again. After each fault the soak waits until the stack is whole again before the next one; that time,
 * from the end of the fault (restored, or the JVM started again), is the fault's recovery time.
 *
 * <p>Each fault leaves a window (from its start to its recovery, plus {@link #GRACE_MS}) in which a failed create
 * is expected: 503 while a server is cut or a JVM is away (the gateway's circuit breaker answers 503 for a while
 * after too), and 502/504 for a request in flight to a JVM that was killed (docs/gateway.md, "Errors"). A failure
 * that no window explains is unexpected, and fails the soak. Runs on the probe's event loop only.
 */
final class Faults {

  private static final Logger LOG = LoggerFactory.getLogger(Faults.class);
  /** How long after a recovery a 503 is still expected: the gateway's circuit breaker stays open for a while. */
  static final long GRACE_MS = 10_000;
  private static final long RABBIT_DROP_MS = 200;
  private static final Set<String> JVM_KILLS = Set.of("slack-kill", "user-jvm-kill");

  private record Window(String kind, long startNanos, long endNanos) {
  }

  private final Vertx vertx;
  private final TcpProxy pg;
  private final TcpProxy amqp;
  private final RoleJvms roles;
  private final long cutMs;
  private final Supplier<Future<Void>> whole;
  private final List<String> rotation;
  private final List<Window> windows = new ArrayList<>();
  private final Map<String, Integer> injected = new LinkedHashMap<>();
  private final Map<String, Long> worstRecoveryMs = new LinkedHashMap<>();
  private long openedAt = -1;
  private int next;

  /**
   * @param roles the role JVMs to kill, or null when the stack runs in one JVM (then only the proxies are cut)
   * @param whole completes once the stack is whole again (every role ready), bounded
   */
  Faults(Vertx vertx, TcpProxy pg, TcpProxy amqp, RoleJvms roles, long cutMs, Supplier<Future<Void>> whole) {
    this.vertx = vertx;
    this.pg = pg;
    this.amqp = amqp;
    this.roles = roles;
    this.cutMs = cutMs;
    this.whole = whole;
    this.rotation = roles == null ? List.of("rabbitmq-drop", "postgres-cut")
      : List.of("rabbitmq-drop", "postgres-cut", "slack-kill", "user-jvm-kill");
  }

  /** Injects the next fault of the rotation; completes once the stack is whole again. */
  Future<Void> injectNext() {
    String kind = rotation.get(next++ % rotation.size());
    injected.merge(kind, 1, Integer::sum);
    openedAt = System.nanoTime();
    LOG.info("fault {}: {}", injected.values().stream().mapToInt(Integer::intValue).sum(), kind);
    return inject(kind).compose(endedAt -> whole.get().onSuccess(v -> {
      long now = System.nanoTime();
      LOG.info("{} recovered {} ms after its end", kind, (now - endedAt) / 1_000_000);
      worstRecoveryMs.merge(kind, (now - endedAt) / 1_000_000, Math::max);
      windows.add(new Window(kind, openedAt, now + GRACE_MS * 1_000_000));
      openedAt = -1;
    }));
  }

  /** Lets every connection through again (the end of the load). */
  void restoreAll() {
    pg.restore();
    amqp.restore();
  }

  /** The fault, then the nanoTime at which it ended (the proxy restored, the JVM started again). */
  private Future<Long> inject(String kind) {
    switch (kind) {
      case "rabbitmq-drop":
        // Every AMQP connection of the stack drops; the clients reconnect about a second later.
        amqp.cut();
        return vertx.timer(RABBIT_DROP_MS).map(t -> {
          amqp.restore();
          return System.nanoTime();
        });
      case "postgres-cut":
        pg.cut();
        return vertx.timer(cutMs).map(t -> {
          pg.restore();
          return System.nanoTime();
        });
      case "slack-kill":
        return roles.kill("slack").compose(v -> roles.start("slack")).map(v -> System.nanoTime());
      case "user-jvm-kill":
        return roles.kill("user-2").compose(v -> roles.start("user-2")).map(v -> System.nanoTime());
      default:
        throw new IllegalStateException(kind);
    }
  }

  /**
   * Whether a create that failed with {@code status} is explained by a fault: 503 in any fault's window, 502 and 504
   * in the window of a JVM kill. The request ran from {@code startNanos} to {@code endNanos}.
   */
  boolean explains(int status, long startNanos, long endNanos) {
    List<Window> all = new ArrayList<>(windows);
    if (openedAt >= 0) {
      all.add(new Window(rotation.get((next - 1) % rotation.size()), openedAt, Long.MAX_VALUE));
    }
    return all.stream().anyMatch(w -> startNanos <= w.endNanos() && endNanos >= w.startNanos()
      && (status == 503 || (status == 502 || status == 504) && JVM_KILLS.contains(w.kind())));
  }

  /** The roles killed and started again in the run (their heap starts over, so it says nothing about a leak). */
  Set<String> restartedRoles() {
    Set<String> restarted = new java.util.HashSet<>();
    if (injected.containsKey("slack-kill")) {
      restarted.add("slack");
    }
    if (injected.containsKey("user-jvm-kill")) {
      restarted.add("user-2");
    }
    return restarted;
  }

  /** {@code {"injected": {kind: count}, "worstRecoveryMs": {kind: ms}}}. */
  JsonObject report() {
    JsonObject counts = new JsonObject();
    injected.forEach(counts::put);
    JsonObject recovery = new JsonObject();
    worstRecoveryMs.forEach(recovery::put);
    return new JsonObject().put("injected", counts).put("worstRecoveryMs", recovery);
  }

  int count(String kind) {
    return injected.getOrDefault(kind, 0);
  }

  long worstRecoveryMs() {
    return worstRecoveryMs.values().stream().mapToLong(Long::longValue).max().orElse(0);
  }
}
