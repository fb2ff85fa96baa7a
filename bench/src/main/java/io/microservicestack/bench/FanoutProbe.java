package io.microservicestack.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Websocket fan-out: {@code subscribers} websockets on the gateway's {@code /ws/users} (spread over the client's
 * event loops), then {@code events} users created one every {@code intervalMs}. Per event, the time from the
 * create's HTTP response until the last subscriber got its frame.
 */
public final class FanoutProbe {

  /**
   * @param host        the gateway's host
   * @param port        the gateway's port
   * @param subscribers websockets to open
   * @param events      users to create
   * @param intervalMs  pause between two creates
   * @param tag         unique per run: emails are {@code <tag>-<n>@bench.example}
   */
  public record Options(String host, int port, int subscribers, int events, long intervalMs, String tag) {
  }

  /** Handshakes in flight at once while connecting. */
  private static final int CONNECT_WINDOW = 200;
  private static final long SETTLE_TIMEOUT_MS = 20_000;
  /** The most connecting may take: a gateway that stops answering handshakes must not stall the probe. */
  private static final long CONNECT_DEADLINE_MS = 90_000;

  private final Vertx vertx;
  private final Options options;
  private final Map<String, Integer> eventOfEmail = new ConcurrentHashMap<>();
  private final AtomicIntegerArray received;
  private final AtomicLongArray lastArrival;
  private final long[] sentAt;
  private final long[] answeredAt;
  private final List<WebSocket> sockets = new ArrayList<>();
  private final AtomicInteger closedEarly = new AtomicInteger();
  private final AtomicInteger connectFailures = new AtomicInteger();
  private volatile String firstConnectFailure;

  public FanoutProbe(Vertx vertx, Options options) {
    this.vertx = vertx;
    this.options = options;
    this.received = new AtomicIntegerArray(options.events());
    this.lastArrival = new AtomicLongArray(options.events());
    this.sentAt = new long[options.events()];
    this.answeredAt = new long[options.events()];
  }

  /** Call from a non-Vert.x thread: connections are spread over the event loops. */
  public Future<JsonObject> run() {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxConnections(options.subscribers() + 16)
      .setConnectTimeout(30_000));
    UserPoster poster = new UserPoster(vertx, options.host(), options.port(), options.tag(), 4);
    for (int e = 0; e < options.events(); e++) {
      eventOfEmail.put(poster.email(e), e);
    }
    List<Context> loops = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      loops.add(vertx.getOrCreateContext());
    }
    long connectStart = System.nanoTime();
    return connectAll(client, loops)
      .compose(v -> {
        long connectMs = (System.nanoTime() - connectStart) / 1_000_000;
        int connected;
        synchronized (sockets) {
          connected = sockets.size();
        }
        return createEvents(poster).compose(x -> settle(connected)).map(x -> result(connected, connectMs));
      })
      .eventually(poster::close)
      .eventually(client::close);
  }

  private Future<Void> connectAll(WebSocketClient client, List<Context> loops) {
    Promise<Void> all = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    int window = Math.min(CONNECT_WINDOW, options.subscribers());
    for (int w = 0; w < window; w++) {
      connectNext(client, loops, next, finished, all);
    }
    long deadline = vertx.setTimer(CONNECT_DEADLINE_MS, t -> all.tryComplete());
    return all.future().onComplete(ar -> vertx.cancelTimer(deadline));
  }

  private void connectNext(WebSocketClient client, List<Context> loops, AtomicInteger next, AtomicInteger finished,
                           Promise<Void> all) {
    int i = next.getAndIncrement();
    if (i >= options.subscribers()) {
      return;
    }
    loops.get(i % loops.size()).runOnContext(v -> client.connect(new WebSocketConnectOptions()
        .setHost(options.host()).setPort(options.port()).setURI("/ws/users"))
      .onComplete(ar -> {
        if (ar.succeeded()) {
          subscribe(ar.result());
        } else {
          connectFailures.incrementAndGet();
          firstConnectFailure = ar.cause().toString();
        }
        if (finished.incrementAndGet() == options.subscribers()) {
          all.tryComplete();
        } else {
          connectNext(client, loops, next, finished, all);
        }
      }));
  }

  private void subscribe(WebSocket ws) {
    synchronized (sockets) {
      sockets.add(ws);
    }
    ws.closeHandler(v -> closedEarly.incrementAndGet());
    ws.textMessageHandler(text -> {
      long now = System.nanoTime();
      Integer event = eventOfEmail.get(Frames.email(text));
      if (event != null) {
        received.incrementAndGet(event);
        lastArrival.accumulateAndGet(event, now, Math::max);
      }
    });
  }

  /** Creates the users one after another, {@code intervalMs} apart. */
  private Future<Void> createEvents(UserPoster poster) {
    Future<Void> chain = Future.succeededFuture();
    for (int e = 0; e < options.events(); e++) {
      int event = e;
      chain = chain.compose(v -> {
        sentAt[event] = System.nanoTime();
        return poster.create(event);
      }).compose(user -> {
        answeredAt[event] = System.nanoTime();
        Promise<Void> pause = Promise.promise();
        vertx.setTimer(options.intervalMs(), t -> pause.complete());
        return pause.future();
      });
    }
    return chain;
  }

  private Future<Void> settle(int connected) {
    Promise<Void> settled = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_TIMEOUT_MS);
    vertx.setPeriodic(20, timer -> {
      boolean complete = true;
      for (int e = 0; e < options.events() && complete; e++) {
        complete = received.get(e) >= connected - closedEarly.get();
      }
      if (complete || System.nanoTime() > deadline) {
        vertx.cancelTimer(timer);
        settled.complete();
      }
    });
    return settled.future();
  }

  private JsonObject result(int connected, long connectMs) {
    Latencies fromResponse = new Latencies();
    Latencies fromSend = new Latencies();
    int incomplete = 0;
    long framesReceived = 0;
    for (int e = 0; e < options.events(); e++) {
      framesReceived += received.get(e);
      if (received.get(e) < connected) {
        incomplete++;
      }
      if (lastArrival.get(e) != 0) {
        fromResponse.recordNanos(lastArrival.get(e) - answeredAt[e]);
        fromSend.recordNanos(lastArrival.get(e) - sentAt[e]);
      }
    }
    return new JsonObject()
      .put("subscribers", options.subscribers())
      .put("connected", connected)
      .put("connectFailures", connectFailures.get())
      .put("firstConnectFailure", firstConnectFailure)
      .put("connectSeconds", connectMs / 1000.0)
      .put("closedEarly", closedEarly.get())
      .put("events", options.events())
      .put("framesExpected", (long) connected * options.events())
      .put("framesReceived", framesReceived)
      .put("incompleteEvents", incomplete)
      .put("allReached", fromResponse.summary())
      .put("allReachedFromSend", fromSend.summary());
  }
}
