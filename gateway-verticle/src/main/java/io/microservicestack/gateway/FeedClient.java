package io.microservicestack.gateway;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongFunction;

/**
 * One websocket of the user feed: replays history after {@code since}, then sends live events.
 *
 * <p>All methods run on the event loop of the verticle that accepted the websocket (the same one that receives
 * {@code users.created}), so no state here needs locking.
 *
 * <p>While replaying, live events are held back. Before each history page is requested, held events above that
 * page's cursor are dropped: they are committed (a user is published only after its commit), so this page or a
 * later one returns them. Held events at or below the cursor (a user whose insert committed late) are kept. After
 * the last page every held event not sent yet goes out in id order, and the client is live. Every id is sent at
 * most once per connection ({@link IdSet}).
 *
 * <p>History is written page by page, each page only after the previous one reached the socket, so replay moves at
 * the client's pace. Live frames cannot wait: a client with {@code maxQueued} frames not yet handed to the socket
 * (or, while replaying, that many held events) is closed with {@value #TOO_SLOW} and a reason naming the
 * {@code since} to resume with.
 */
final class FeedClient {

  /** Close code for a client that fell too far behind (1008, policy violation). */
  static final short TOO_SLOW = 1008;
  /** Close code when the history could not be read (1011, internal error). */
  static final short HISTORY_FAILED = 1011;
  /** Close code when the gateway stops (1001, going away). */
  static final short GOING_AWAY = 1001;

  private static final Logger LOG = LoggerFactory.getLogger(FeedClient.class);
  private static final int MAX_REASON_BYTES = 123;
  private static final Buffer PING = Buffer.buffer("ping");

  private enum State { REPLAYING, LIVE, CLOSED }

  private final ServerWebSocket ws;
  private final Long since;
  private final int maxQueued;
  private final LongFunction<Future<JsonObject>> history;
  private final IdSet sent;
  private final List<FeedEvent> held = new ArrayList<>();
  private State state;
  private int queued;
  private long lastSentId;
  /** The most recent write: writes complete in order, so when it completes every earlier one has. */
  private Future<Void> lastWrite = Future.succeededFuture();

  /**
   * @param since     replay every user with a larger id first, or null to start live
   * @param history   a page of users after the given id: {@code {"items": [user...], "next": id|null}}
   */
  FeedClient(ServerWebSocket ws, Long since, int maxQueued, LongFunction<Future<JsonObject>> history) {
    this.ws = ws;
    this.since = since;
    this.maxQueued = maxQueued;
    this.history = history;
    this.sent = new IdSet(since == null ? -1 : since);
    this.lastSentId = since == null ? -1 : since;
    this.state = since == null ? State.LIVE : State.REPLAYING;
  }

  /** Starts the replay, if any. The client must already receive {@link #offer} calls (subscribe first). */
  void start() {
    if (state == State.REPLAYING) {
      replayAfter(since)
        .onSuccess(v -> goLive())
        .onFailure(this::replayFailed);
    }
  }

  /**
   * Takes a live event. Returns false when this client is closed (or was just closed as too slow) and should
   * get no more events.
   */
  boolean offer(FeedEvent event) {
    switch (state) {
      case REPLAYING:
        if (!sent.contains(event.id())) {
          held.add(event);
          if (held.size() > maxQueued) {
            closeTooSlow();
            return false;
          }
        }
        return true;
      case LIVE:
        return sendLive(event);
      default:
        return false;
    }
  }

  /** Keeps an idle connection (and the proxies in between) alive. */
  void ping() {
    if (state != State.CLOSED) {
      ws.writePing(PING);
    }
  }

  /** The websocket closed (by either side): stop everything. */
  void closed() {
    state = State.CLOSED;
    held.clear();
  }

  /** Closes with {@code code} and {@code reason}; completes when closed. */
  Future<Void> close(short code, String reason) {
    closed();
    return ws.isClosed() ? Future.succeededFuture() : ws.close(code, truncate(reason));
  }

  private Future<Void> replayAfter(long after) {
    held.removeIf(event -> event.id() > after);
    return history.apply(after).compose(page -> {
      if (state != State.REPLAYING) {
        return Future.failedFuture("closed while replaying");
      }
      JsonArray items = page.getJsonArray("items", new JsonArray());
      for (Object item : items) {
        FeedEvent event = FeedEvent.of(item);
        if (event == null) {
          return Future.failedFuture("users.list returned an item that is not a user: " + item);
        }
        write(event);
      }
      Long next = page.getLong("next");
      boolean more = next != null && next > after && !items.isEmpty();
      return more ? lastWrite.compose(v -> replayAfter(next)) : lastWrite;
    });
  }

  private void goLive() {
    if (state != State.REPLAYING) {
      return;
    }
    state = State.LIVE;
    List<FeedEvent> pending = new ArrayList<>(held);
    held.clear();
    pending.sort(Comparator.comparingLong(FeedEvent::id));
    for (FeedEvent event : pending) {
      if (!sendLive(event)) {
        return;
      }
    }
  }

  private void replayFailed(Throwable failure) {
    if (state == State.CLOSED || ws.isClosed()) {
      closed();
      return;
    }
    LOG.warn("Feed history after {} failed, closing the websocket: {}", since, failure.getMessage());
    close(HISTORY_FAILED, "history unavailable: " + failure.getMessage());
  }

  private boolean sendLive(FeedEvent event) {
    if (sent.contains(event.id())) {
      return true;
    }
    if (queued >= maxQueued) {
      closeTooSlow();
      return false;
    }
    write(event);
    return true;
  }

  private void write(FeedEvent event) {
    if (!sent.add(event.id())) {
      return;
    }
    lastSentId = Math.max(lastSentId, event.id());
    queued++;
    lastWrite = ws.writeTextMessage(event.text()).andThen(ar -> queued--);
  }

  private void closeTooSlow() {
    String resume = lastSentId >= 0 ? "resume with ?since=" + lastSentId : "reconnect to resume";
    LOG.info("Feed client {} fell {} frames behind, closing it", ws.remoteAddress(), maxQueued);
    close(TOO_SLOW, "too slow: " + resume);
  }

  private static String truncate(String reason) {
    byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_REASON_BYTES) {
      return reason;
    }
    return new String(bytes, 0, MAX_REASON_BYTES, StandardCharsets.UTF_8).replaceAll("\uFFFD$", "");
  }
}
