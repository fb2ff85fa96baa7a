package io.microservicestack.gateway;

import io.microservicestack.common.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The websocket feed {@code GET /ws/users[?resume=<position>|?last=<n>|?since=<id>]}: every created user as one
 * JSON text frame {@code {"id","name","email","createdAt","position"}}, in position order (see
 * {@link io.microservicestack.common.FeedPosition}).
 *
 * <p>One {@link FeedTail} per verticle instance follows the feed and fans each user out to the websockets that
 * instance accepted (the frame is encoded once for all of them), and one timer pings them all every
 * {@code wsPingIntervalMs}. A websocket is subscribed before its handshake response is written, so it gets every
 * user released after it connected; what it asked to catch up on is replayed first ({@link FeedClient}). The query
 * is checked before the upgrade: a bad one is a 400 problem ({@link FeedRequest}); a client address that holds
 * {@code wsMaxPerClient} websockets already (when set) gets a 429 problem. Meters: {@link FeedMetrics}.
 */
public final class UserFeed {

  private static final Logger LOG = LoggerFactory.getLogger(UserFeed.class);

  private final Vertx vertx;
  private final GatewayConfig config;
  private final FeedHistory history;
  private final FeedTail tail;
  private final FeedMetrics metrics = new FeedMetrics();
  private final ClientLimit perClient;
  /** Only touched on this verticle's event loop. */
  private final Set<FeedClient> clients = new LinkedHashSet<>();
  private long pingTimer = -1;
  private boolean stopped;

  public UserFeed(Vertx vertx, GatewayConfig config, UserRpcClient rpc) {
    this.vertx = vertx;
    this.config = config;
    this.history = new FeedHistory(rpc);
    this.tail = new FeedTail(vertx, rpc, config.feedPollMs(), this::fanOut);
    this.perClient = new ClientLimit(vertx, config.wsMaxPerClient());
  }

  /** Starts following the feed and the ping timer; completes once the announcements are subscribed. */
  public Future<Void> start() {
    pingTimer = vertx.setPeriodic(config.wsPingIntervalMs(), id -> clients.forEach(FeedClient::ping));
    return tail.start();
  }

  /** The route handler: validates the query, upgrades, subscribes and starts the replay. */
  public void upgrade(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    // vertx-web's queryParams: a query that is not valid percent-encoding is a 400 (the core's params() throws: a 500)
    FeedRequest asked = FeedRequest.parse(ctx.queryParams());
    if (!request.canUpgradeToWebSocket()) {
      throw Problem.of(426, "Upgrade Required", "/ws/users is a websocket: connect with a websocket client").exception();
    }
    if (stopped) {
      throw Problem.unavailable("The gateway is shutting down").exception();
    }
    String address = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    if (!perClient.tryAcquire(address)) {
      throw Problem.of(429, "Too Many Requests", "A client address may hold at most " + perClient.max()
        + " websockets open at once (WS_MAX_PER_CLIENT)").exception();
    }
    request.toWebSocket()
      .onSuccess(ws -> accept(ws, asked, () -> perClient.release(address)))
      .onFailure(failure -> {
        perClient.release(address);
        LOG.debug("Websocket handshake failed: {}", failure.getMessage());
      });
  }

  /** Number of websockets currently subscribed. */
  public int clientCount() {
    return clients.size();
  }

  /**
   * Stops the feed: no more events or upgrades, every websocket closed with 1001. Waits at most a second for the
   * clients to acknowledge; the HTTP server's shutdown closes whatever is left.
   */
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(pingTimer);
    List<Future<Void>> closing = new ArrayList<>();
    clients.forEach(client -> closing.add(client.close(FeedClient.GOING_AWAY, "gateway shutting down")));
    clients.clear();
    Future<Void> unsubscribed = tail.stop();
    return Future.join(closing)
      .timeout(1, TimeUnit.SECONDS)
      .transform(ar -> unsubscribed)
      .recover(failure -> Future.succeededFuture());
  }

  private void accept(ServerWebSocket ws, FeedRequest asked, Runnable released) {
    if (stopped) {
      ws.closeHandler(v -> released.run());
      ws.close(FeedClient.GOING_AWAY, "gateway shutting down");
      return;
    }
    FeedClient client = new FeedClient(ws, asked, config.wsMaxBuffered(), history, metrics);
    clients.add(client);
    metrics.subscribed();
    ws.closeHandler(v -> {
      metrics.unsubscribed();
      released.run();
      client.closed();
      clients.remove(client);
    });
    ws.exceptionHandler(failure -> LOG.debug("Feed websocket {} failed: {}", ws.remoteAddress(), failure.getMessage()));
    client.start();
  }

  private void fanOut(FeedEvent event) {
    for (Iterator<FeedClient> it = clients.iterator(); it.hasNext(); ) {
      if (!it.next().offer(event)) {
        it.remove();
      }
    }
  }
}
