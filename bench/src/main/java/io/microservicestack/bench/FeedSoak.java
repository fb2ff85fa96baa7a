package io.microservicestack.bench;

import io.microservicestack.common.testing.TcpProxy;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The stack under faults: users created at a steady rate through the gateway while websocket clients drop every few
 * seconds and resume with the last position they received, and while {@link Faults} in turn drops the stack's
 * RabbitMQ connections, cuts PostgreSQL and (with {@link RoleJvms}, the roles in separate clustered JVMs) kills and
 * restarts the slack JVM and a user JVM. At the end every client must have every user that got a 201 exactly once, in
 * position order, the {@code #user} channel one "User &lt;email&gt; created" message per user, and every failed create
 * must be one a fault explains ({@link Faults#explains}); a 503 outside a fault's window (the service shedding load)
 * is counted apart, {@code unexplained503}. With {@code heapCheck} each JVM's heap after a full GC is sampled at the
 * start, after the warm-up (a quarter of the run, at least a minute) and at the end.
 *
 * <p>The load runs for {@code durationMs} ({@code bench/soak.sh}) or until {@code users} users were posted
 * ({@code bench/soak-feed.sh}). All state lives on the probe's event loop (one context), so nothing here needs locking.
 */
final class FeedSoak {

  /**
   * @param roles      the role JVMs (the probe starts them), or null when the script runs the stack in one JVM
   * @param durationMs how long to create users; 0: until {@code users} were posted
   */
  record Options(String host, int port, TcpProxy pgProxy, TcpProxy amqpProxy, RoleJvms roles, int users, long durationMs,
                 int rate, int clients, long faultIntervalMs, long cutMs, boolean heapCheck, String tag) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(FeedSoak.class);
  private static final long SECOND = 1_000_000_000L;
  private static final long STARTUP_NANOS = 240 * SECOND;
  private static final long RECOVERY_NANOS = 180 * SECOND;

  private final Vertx vertx;
  private final Options options;
  private final UserPoster poster;
  private final HttpClientAgent http;
  private final WebSocketClient ws;
  private final Faults faults;
  private final CreateFailures failures;
  private final HeapSamples heap;
  /** id → nanoTime of the POST, for every 201. */
  private final Map<Long, Long> created = new HashMap<>();
  private final Map<Long, String> emails = new HashMap<>();
  private final Map<Long, Boolean> seen = new HashMap<>();
  private final Latencies createToFrame = new Latencies();
  private final List<SoakClient> clients = new ArrayList<>();
  private final List<String> faultsNotRecovered = new ArrayList<>();
  private long posted;
  private long loadNanos;

  FeedSoak(Vertx vertx, Options options) {
    this.vertx = vertx;
    this.options = options;
    this.poster = new UserPoster(vertx, options.host(), options.port(), options.tag(), 64);
    this.http = vertx.createHttpClient();
    this.ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(options.clients() * 2));
    this.faults = new Faults(vertx, options.pgProxy(), options.amqpProxy(), options.roles(), options.cutMs(), this::whole);
    this.failures = new CreateFailures(faults);
    this.heap = new HeapSamples(options.roles(), options.heapCheck());
  }

  Future<JsonObject> run() {
    Promise<JsonObject> result = Promise.promise();
    vertx.runOnContext(v -> started()
      .compose(v2 -> heap.sample("start"))
      .compose(ok -> poster.create(0))
      .compose(seed -> Future.all(connectAll()))
      .compose(v2 -> load())
      .compose(v2 -> awaitAllFrames(System.nanoTime() + RECOVERY_NANOS))
      .compose(v2 -> new UserChannel(vertx, http, options.host(), options.port())
        .count(emails.values(), System.nanoTime() + RECOVERY_NANOS))
      .compose(messages -> heap.sample("end").map(messages))
      .map(this::report)
      .onComplete(result));
    return result.future();
  }

  /** The role JVMs started and ready, or (one JVM, started by the script once the proxies' ports are known) healthy. */
  private Future<Void> started() {
    long deadline = System.nanoTime() + STARTUP_NANOS;
    return options.roles() == null ? healthy(deadline) : options.roles().startAll(deadline).compose(v -> healthy(deadline));
  }

  /** The stack is whole again: every role JVM ready and the gateway's {@code /health} 200. */
  private Future<Void> whole() {
    long deadline = System.nanoTime() + RECOVERY_NANOS;
    return options.roles() == null ? healthy(deadline) : options.roles().awaitAllReady(deadline).compose(v -> healthy(deadline));
  }

  private Future<Void> healthy(long deadline) {
    return http.request(new RequestOptions().setHost(options.host()).setPort(options.port()).setURI("/health"))
      .compose(request -> request.send())
      .compose(response -> response.body().compose(body ->
        response.statusCode() == 200 ? Future.<Void>succeededFuture() : Future.failedFuture("not healthy: " + body)))
      .recover(e -> System.nanoTime() > deadline
        ? Future.failedFuture("the stack did not become healthy: " + e.getMessage())
        : vertx.timer(200).compose(t -> healthy(deadline)));
  }

  private List<Future<Void>> connectAll() {
    List<Future<Void>> connected = new ArrayList<>();
    for (int i = 0; i < options.clients(); i++) {
      SoakClient client = new SoakClient(vertx, ws, options.host(), options.port(), this::firstFrame);
      clients.add(client);
      // The load starts once every client received the seed user: a client still waiting for its ?last=1 read when
      // the first users are created would start after them, as the feed's contract says, and "miss" them.
      connected.add(client.connect().compose(ws -> client.positioned()).timeout(120, TimeUnit.SECONDS));
    }
    return connected;
  }

  /**
   * Creates users at the rate (the n-th is posted {@code n / rate} seconds after the start, however late the ticks
   * come), with a fault every {@code faultIntervalMs} after the stack recovered from the previous one.
   */
  private Future<Void> load() {
    Promise<Void> done = Promise.promise();
    long startedAt = System.nanoTime();
    int[] inFlight = {0};
    Future<?>[] fault = {Future.succeededFuture()};
    long timer = vertx.setPeriodic(10, id -> {
      long now = System.nanoTime();
      long due = Math.min(1 + (now - startedAt) * options.rate() / SECOND, options.durationMs() > 0 ? Long.MAX_VALUE : options.users());
      boolean more = options.durationMs() > 0 ? now - startedAt < options.durationMs() * 1_000_000 : posted < options.users();
      while (more && posted < due) {
        long n = ++posted;
        inFlight[0]++;
        poster.create(n).onComplete(ar -> {
          inFlight[0]--;
          if (ar.succeeded()) {
            long userId = ar.result().getLong("id");
            created.put(userId, now);
            emails.put(userId, poster.email(n));
          } else {
            failures.add(ar.cause(), now);
          }
        });
      }
      if (!more && inFlight[0] == 0) {
        loadNanos = now - startedAt;
        done.tryComplete();
      }
    });
    faultLoop(fault, done.future());
    long progress = vertx.setPeriodic(30_000, id -> LOG.info("posted {}, created {}, {}, clients without a frame for 10 s {}",
      posted, created.size(), failures, clients.stream()
        .filter(client -> System.nanoTime() - client.lastFrameAt > 10 * SECOND).map(SoakClient::state).toList()));
    if (heap.enabled()) {
      long warmUpMs = Math.max(60_000, options.durationMs() / 4);
      vertx.setTimer(warmUpMs, t -> heap.sample("warm"));
    }
    clients.forEach(SoakClient::scheduleDrop);
    // The load is over once the last create was answered and the fault under way (a JVM restarting) recovered.
    return done.future().compose(v -> fault[0].transform(ar -> Future.<Void>succeededFuture())).onComplete(ar -> {
      vertx.cancelTimer(timer);
      vertx.cancelTimer(progress);
      faults.restoreAll();
      clients.forEach(SoakClient::stopDropping);
    });
  }

  /** Waits the interval, injects the next fault and waits for its recovery, in turn, until the load is over. */
  private void faultLoop(Future<?>[] current, Future<Void> loadDone) {
    vertx.setTimer(options.faultIntervalMs(), t -> {
      if (loadDone.isComplete()) {
        return;
      }
      current[0] = faults.injectNext()
        .onFailure(e -> faultsNotRecovered.add(e.getMessage()))
        .onComplete(ar -> faultLoop(current, loadDone));
    });
  }

  private Future<Void> awaitAllFrames(long deadline) {
    boolean complete = clients.stream().allMatch(client -> client.received.keySet().containsAll(created.keySet()));
    if (complete || System.nanoTime() > deadline) {
      return Future.succeededFuture();
    }
    return vertx.timer(200).compose(v -> awaitAllFrames(deadline));
  }

  private JsonObject report(Map<String, Integer> messages) {
    long messagesMissing = emails.values().stream().filter(email -> !messages.containsKey(UserChannel.messageFor(email))).count();
    long messagesDoubled = emails.values().stream().filter(email -> messages.getOrDefault(UserChannel.messageFor(email), 0) > 1).count();
    JsonObject report = failures.addTo(new ClientTally(clients, created.keySet()).addTo(new JsonObject()))
      .put("tag", options.tag())
      .put("users", created.size())
      .put("posted", posted)
      .put("rate", options.rate())
      .put("rateHeld", loadNanos == 0 ? 0 : Math.round(posted * 10.0 * SECOND / loadNanos) / 10.0)
      .put("loadSeconds", loadNanos / SECOND)
      .put("clients", options.clients())
      .put("faults", faults.report())
      .put("faultsNotRecovered", new JsonArray(faultsNotRecovered))
      .put("rabbitConnectionDrops", faults.count("rabbitmq-drop"))
      .put("postgresCuts", faults.count("postgres-cut"))
      .put("worstRecoveryMs", faults.worstRecoveryMs())
      .put("messagesMissing", messagesMissing)
      .put("messagesDoubled", messagesDoubled)
      .put("createToFrameMs", createToFrame.summary())
      .put("heapMiB", heap.toJson())
      .put("restartedJvms", new JsonArray(List.copyOf(faults.restartedRoles())));
    clients.forEach(SoakClient::finish);
    return report;
  }

  /** The first frame of a user at any client: the create → frame latency. */
  private void firstFrame(long id) {
    Long postedAt = created.get(id);
    if (postedAt != null && seen.put(id, Boolean.TRUE) == null) {
      createToFrame.recordNanos(System.nanoTime() - postedAt);
    }
  }
}
