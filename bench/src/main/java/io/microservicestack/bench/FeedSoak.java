package io.microservicestack.bench;

import io.microservicestack.common.testing.TcpProxy;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The live feed under faults: users created at a steady rate through the gateway while websocket clients drop every
 * few seconds and resume with the last position they received, and while the probe in turn drops the stack's
 * RabbitMQ connections and cuts PostgreSQL (the stack reaches both through this probe's {@link TcpProxy}s, so only
 * its own connections are cut). At the end every client must have every user that got a 201 exactly once, in position
 * order, and the {@code #user} channel one "User &lt;email&gt; created" message per user.
 *
 * <p>All state lives on the probe's event loop (one context), so nothing here needs locking.
 */
final class FeedSoak {

  record Options(String host, int port, TcpProxy pgProxy, TcpProxy amqpProxy, int users, int rate, int clients, long faultIntervalMs,
                 long cutMs, String tag) {
  }

  private final Vertx vertx;
  private final Options options;
  private final UserPoster poster;
  private final HttpClientAgent http;
  private final WebSocketClient ws;
  /** id → nanoTime of the POST, for every 201. */
  private final Map<Long, Long> created = new HashMap<>();
  private final Map<Long, String> emails = new HashMap<>();
  private final Map<Long, Boolean> seen = new HashMap<>();
  private final Map<Integer, Integer> failedCreates = new HashMap<>();
  private final Latencies createToFrame = new Latencies();
  private final List<SoakClient> clients = new ArrayList<>();
  private int rabbitDrops;
  private int pgCuts;
  private long worstRecoveryMs;

  FeedSoak(Vertx vertx, Options options) {
    this.vertx = vertx;
    this.options = options;
    this.poster = new UserPoster(vertx, options.host(), options.port(), options.tag(), 64);
    this.http = vertx.createHttpClient();
    this.ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(options.clients() * 2));
  }

  Future<JsonObject> run() {
    Promise<JsonObject> result = Promise.promise();
    vertx.runOnContext(v -> healthy(System.nanoTime() + 180_000_000_000L)
      .compose(ok -> poster.create(0))
      .compose(seed -> Future.all(connectAll()))
      .compose(v2 -> load())
      .compose(v2 -> awaitAllFrames(System.nanoTime() + 120_000_000_000L))
      .compose(v2 -> countMessages())
      .map(this::report)
      .onComplete(result));
    return result.future();
  }

  /** Waits for the stack, which the script starts once the proxy's port is known. */
  private Future<Void> healthy(long deadline) {
    return http.request(new RequestOptions().setHost(options.host()).setPort(options.port()).setURI("/health"))
      .compose(request -> request.send())
      .compose(response -> response.statusCode() == 200 ? Future.<Void>succeededFuture() : Future.failedFuture("not healthy"))
      .recover(e -> System.nanoTime() > deadline
        ? Future.failedFuture("the stack did not become healthy: " + e.getMessage())
        : vertx.timer(500).compose(t -> healthy(deadline)));
  }

  private List<Future<Void>> connectAll() {
    List<Future<Void>> connected = new ArrayList<>();
    for (int i = 0; i < options.clients(); i++) {
      SoakClient client = new SoakClient(vertx, ws, options.host(), options.port(), this::firstFrame);
      clients.add(client);
      connected.add(client.connect().mapEmpty());
    }
    return connected;
  }

  /** Creates the users at the rate, with a fault every faultIntervalMs (RabbitMQ and PostgreSQL in turn). */
  private Future<Void> load() {
    Promise<Void> done = Promise.promise();
    long periodMs = 10;
    int perTick = Math.max(1, options.rate() / 100);
    long[] next = {1};
    int[] inFlight = {0};
    long timer = vertx.setPeriodic(periodMs, id -> {
      for (int i = 0; i < perTick && next[0] <= options.users(); i++) {
        long n = next[0]++;
        long started = System.nanoTime();
        inFlight[0]++;
        poster.create(n).onComplete(ar -> {
          inFlight[0]--;
          if (ar.succeeded()) {
            long userId = ar.result().getLong("id");
            created.put(userId, started);
            emails.put(userId, poster.email(n));
          } else {
            failedCreates.merge(status(ar.cause()), 1, Integer::sum);
          }
          if (next[0] > options.users() && inFlight[0] == 0) {
            done.tryComplete();
          }
        });
      }
    });
    long faults = vertx.setPeriodic(options.faultIntervalMs(), id -> fault());
    clients.forEach(SoakClient::scheduleDrop);
    return done.future().onComplete(ar -> {
      vertx.cancelTimer(timer);
      vertx.cancelTimer(faults);
      options.pgProxy().restore();
      options.amqpProxy().restore();
      clients.forEach(SoakClient::stopDropping);
    });
  }

  private void fault() {
    if ((rabbitDrops + pgCuts) % 2 == 0) {
      rabbitDrops++;
      // Every AMQP connection of the stack drops; the clients reconnect about a second later.
      options.amqpProxy().cut();
      vertx.setTimer(200, t -> options.amqpProxy().restore());
    } else {
      pgCuts++;
      options.pgProxy().cut();
      long cutAt = System.nanoTime();
      vertx.setTimer(options.cutMs(), t -> {
        options.pgProxy().restore();
        awaitCreateWorks(cutAt);
      });
    }
  }

  /** How long after the cut a create succeeds again: the worst one is the recovery figure. */
  private void awaitCreateWorks(long cutAt) {
    poster.create(1_000_000 + pgCuts * 1_000L + ThreadLocalRandom.current().nextInt(1_000)).onComplete(ar -> {
      if (ar.succeeded()) {
        long userId = ar.result().getLong("id");
        created.put(userId, System.nanoTime());
        emails.put(userId, ar.result().getString("email"));
        worstRecoveryMs = Math.max(worstRecoveryMs, (System.nanoTime() - cutAt) / 1_000_000 - options.cutMs());
      } else {
        vertx.setTimer(50, t -> awaitCreateWorks(cutAt));
      }
    });
  }

  private Future<Void> awaitAllFrames(long deadline) {
    boolean complete = clients.stream().allMatch(client -> client.received.keySet().containsAll(created.keySet()));
    if (complete || System.nanoTime() > deadline) {
      return Future.succeededFuture();
    }
    return vertx.timer(200).compose(v -> awaitAllFrames(deadline));
  }

  /** Counts the {@code #user} messages per email, page by page. */
  private Future<Map<String, Integer>> countMessages() {
    return messagesFrom(0, new HashMap<>(), System.nanoTime() + 60_000_000_000L);
  }

  private Future<Map<String, Integer>> messagesFrom(int offset, Map<String, Integer> counts, long deadline) {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(options.host()).setPort(options.port())
        .setURI("/messages?channel=%23user&limit=100&offset=" + offset))
      .compose(request -> request.send().compose(response -> response.body()))
      .compose(body -> {
        JsonArray items = body.toJsonObject().getJsonArray("items", new JsonArray());
        items.forEach(item -> counts.merge(((JsonObject) item).getString("message"), 1, Integer::sum));
        if (items.size() == 100) {
          return messagesFrom(offset + 100, counts, deadline);
        }
        boolean allThere = emails.values().stream().allMatch(email -> counts.containsKey("User " + email + " created"));
        return allThere || System.nanoTime() > deadline
          ? Future.succeededFuture(counts)
          : vertx.timer(500).compose(v -> messagesFrom(0, new HashMap<>(), deadline));
      });
  }

  private JsonObject report(Map<String, Integer> messages) {
    clients.forEach(SoakClient::finish);
    long frames = 0;
    long missed = 0;
    long duplicates = 0;
    long outOfOrder = 0;
    long reconnects = 0;
    for (SoakClient client : clients) {
      frames += client.frames;
      duplicates += client.duplicates;
      outOfOrder += client.outOfOrder;
      reconnects += client.reconnects;
      missed += created.keySet().stream().filter(id -> !client.received.containsKey(id)).count();
    }
    long messagesMissing = emails.values().stream().filter(email -> !messages.containsKey("User " + email + " created")).count();
    long messagesDoubled = emails.values().stream().filter(email -> messages.getOrDefault("User " + email + " created", 0) > 1).count();
    JsonObject failed = new JsonObject();
    failedCreates.forEach((status, count) -> failed.put(String.valueOf(status), count));
    return new JsonObject()
      .put("tag", options.tag())
      .put("users", created.size())
      .put("rate", options.rate())
      .put("clients", options.clients())
      .put("frames", frames)
      .put("reconnects", reconnects)
      .put("missed", missed)
      .put("duplicates", duplicates)
      .put("outOfOrder", outOfOrder)
      .put("createsRefused", failed)
      .put("rabbitConnectionDrops", rabbitDrops)
      .put("postgresCuts", pgCuts)
      .put("worstRecoveryMs", worstRecoveryMs)
      .put("messagesMissing", messagesMissing)
      .put("messagesDoubled", messagesDoubled)
      .put("createToFrameMs", createToFrame.summary());
  }

  /** The first frame of a user at any client: the create → frame latency. */
  private void firstFrame(long id) {
    Long postedAt = created.get(id);
    if (postedAt != null && seen.put(id, Boolean.TRUE) == null) {
      createToFrame.recordNanos(System.nanoTime() - postedAt);
    }
  }

  private static int status(Throwable failure) {
    String message = String.valueOf(failure.getMessage());
    return message.startsWith("POST /user answered ") ? Integer.parseInt(message.substring(20, 23)) : 0;
  }
}
