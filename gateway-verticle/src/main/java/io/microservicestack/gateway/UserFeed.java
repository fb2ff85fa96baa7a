package io.microservicestack.gateway;

import io.microservicestack.common.Addresses;
import io.microservicestack.common.FieldErrors;
import io.microservicestack.common.Params;
import io.microservicestack.common.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
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
 * The websocket feed {@code GET /ws/users[?since=<id>]}: every created user as one JSON text frame
 * {@code {"id","name","email","createdAt"}}.
 *
 * <p>One {@code users.created} consumer per verticle instance fans each event out to the websockets that instance
 * accepted (the event is encoded once for all of them), and one timer pings them all every
 * {@code wsPingIntervalMs}. A websocket is subscribed before its handshake response is written, so it gets every
 * user published after it connected.
 *
 * <p>With {@code since}, every user with a larger id is first replayed from {@code users.list} (pages of
 * {@value #PAGE_SIZE}) and then the client goes live, with no gap and no duplicate at the seam: see
 * {@link FeedClient}. {@code since} must be a non-negative integer: anything else is refused with a 400 problem
 * before the upgrade.
 */
public final class UserFeed {

  /** Users per {@code users.list} request while replaying. */
  public static final int PAGE_SIZE = 100;

  private static final Logger LOG = LoggerFactory.getLogger(UserFeed.class);

  private final Vertx vertx;
  private final GatewayConfig config;
  private final UserRpcClient rpc;
  /** Only touched on this verticle's event loop. */
  private final Set<FeedClient> clients = new LinkedHashSet<>();
  private MessageConsumer<Object> consumer;
  private long pingTimer = -1;
  private boolean stopped;

  public UserFeed(Vertx vertx, GatewayConfig config, UserRpcClient rpc) {
    this.vertx = vertx;
    this.config = config;
    this.rpc = rpc;
  }

  /** Registers the {@code users.created} consumer and the ping timer; completes once the consumer is registered. */
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(Addresses.USERS_CREATED, this::fanOut);
    pingTimer = vertx.setPeriodic(config.wsPingIntervalMs(), id -> clients.forEach(FeedClient::ping));
    return consumer.completion();
  }

  /** The route handler: validates {@code since}, upgrades, subscribes and starts the replay. */
  public void upgrade(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Long since = parseSince(request.getParam("since"));
    if (!request.canUpgradeToWebSocket()) {
      throw Problem.of(426, "Upgrade Required", "/ws/users is a websocket: connect with a websocket client").exception();
    }
    if (stopped) {
      throw Problem.unavailable("The gateway is shutting down").exception();
    }
    request.toWebSocket()
      .onSuccess(ws -> accept(ws, since))
      .onFailure(failure -> LOG.debug("Websocket handshake failed: {}", failure.getMessage()));
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
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return Future.join(closing)
      .timeout(1, TimeUnit.SECONDS)
      .transform(ar -> unregistered)
      .recover(failure -> Future.succeededFuture());
  }

  static Long parseSince(String text) {
    FieldErrors errors = new FieldErrors();
    Long since = Params.integer("since", text, null, 0, Long.MAX_VALUE, errors);
    errors.throwIfAny();
    return since;
  }

  private void accept(ServerWebSocket ws, Long since) {
    if (stopped) {
      ws.close(FeedClient.GOING_AWAY, "gateway shutting down");
      return;
    }
    FeedClient client = new FeedClient(ws, since, config.wsMaxBuffered(), this::page);
    clients.add(client);
    ws.closeHandler(v -> {
      client.closed();
      clients.remove(client);
    });
    ws.exceptionHandler(failure -> LOG.debug("Feed websocket {} failed: {}", ws.remoteAddress(), failure.getMessage()));
    client.start();
  }

  private void fanOut(Message<Object> message) {
    FeedEvent event = FeedEvent.of(message.body());
    if (event == null) {
      LOG.warn("Ignoring a {} message that is not a user with an id: {}", Addresses.USERS_CREATED, message.body());
      return;
    }
    for (Iterator<FeedClient> it = clients.iterator(); it.hasNext(); ) {
      if (!it.next().offer(event)) {
        it.remove();
      }
    }
  }

  private Future<JsonObject> page(long after) {
    JsonObject query = new JsonObject().put("after", after).put("limit", PAGE_SIZE);
    return rpc.request(Addresses.USERS_LIST, query);
  }
}
