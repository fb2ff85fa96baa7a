package io.microservicestack.gateway;

import io.microservicestack.common.FeedPosition;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One websocket of the user feed: replays what the client missed, then sends live events.
 *
 * <p>All methods run on the event loop of the verticle that accepted the websocket (the same one whose
 * {@link FeedTail} offers events), so no state here needs locking.
 *
 * <p><b>By position</b> ({@code ?resume=}, {@code ?last=}, or live only): live events come from the tail in
 * position order. While replaying from {@code users.feed}, live events are held back; when a page comes back short
 * (the replay reached what was final then), held events after the last position sent go out, and the client is
 * live. Replay and tail read the same ordered log, and the tail's position when the client subscribed is at or
 * before the replay's end, so the two meet without a gap; an event at or before the last position sent is dropped,
 * so without a duplicate.
 *
 * <p><b>By id</b> (the legacy {@code ?since=}): history comes from {@code users.list} in id order, and every id is
 * sent at most once ({@link IdSet}); held events above the next page's cursor are dropped (the page returns them).
 * A user whose transaction committed after a larger id was sent to a client that then resumed from that larger id
 * is missed: this is why {@code since} is legacy.
 *
 * <p>History is written page by page, each only after the previous one reached the socket, so replay moves at the
 * client's pace. Live frames cannot wait: a client with {@code maxQueued} frames not yet handed to the socket (or,
 * while replaying, that many held events) is closed with {@value #TOO_SLOW} and a reason naming where to resume.
 */
final class FeedClient {

  /** Close code for a client that fell too far behind (1008, policy violation). */
  static final short TOO_SLOW = 1008;
  /** Close code when the history could not be read (1011, internal error). */
  static final short HISTORY_FAILED = 1011;
  /** Close code when the gateway stops (1001, going away). */
  static final short GOING_AWAY = 1001;

  private static final Logger LOG = LoggerFactory.getLogger(FeedClient.class);
  private static final Buffer PING = Buffer.buffer("ping");

  private enum State { REPLAYING, LIVE, CLOSED }

  private final ServerWebSocket ws;
  private final FeedRequest request;
  private final int maxQueued;
  private final FeedHistory history;
  private final FeedMetrics metrics;
  private final IdSet sent;
  private final List<FeedEvent> held = new ArrayList<>();
  private State state;
  private int queued;
  private long lastSentId;
  private FeedPosition lastSent;
  /** The most recent write: writes complete in order, so when it completes every earlier one has. */
  private Future<Void> lastWrite = Future.succeededFuture();

  FeedClient(ServerWebSocket ws, FeedRequest request, int maxQueued, FeedHistory history, FeedMetrics metrics) {
    this.ws = ws;
    this.metrics = metrics;
    this.request = request;
    this.maxQueued = maxQueued;
    this.history = history;
    this.sent = new IdSet(request.since() == null ? -1 : request.since());
    this.lastSentId = request.since() == null ? -1 : request.since();
    this.lastSent = request.resume();
    this.state = request.isLiveOnly() ? State.LIVE : State.REPLAYING;
  }

  /** Starts the replay, if any. The client must already receive {@link #offer} calls (subscribe first). */
  void start() {
    if (state != State.REPLAYING) {
      return;
    }
    Future<Void> replayed = request.since() != null
      ? replayIds(request.since())
      : request.last() != null ? history.latest(request.last()).compose(this::writePositions).compose(v -> replayPositions())
      : replayPositions();
    replayed.onSuccess(v -> goLive()).onFailure(this::replayFailed);
  }

  /**
   * Takes a live event. Returns false when this client is closed (or was just closed as too slow) and should get
   * no more events.
   */
  boolean offer(FeedEvent event) {
    switch (state) {
      case REPLAYING:
        if (!alreadySent(event)) {
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
    return ws.isClosed() ? Future.succeededFuture() : ws.close(code, CloseReason.fit(reason));
  }

  /** Pages of {@code users.feed} after the last position sent, until one comes back short. */
  private Future<Void> replayPositions() {
    return history.after(lastSent == null ? FeedPosition.START : lastSent).compose(page -> {
      int count = page.getJsonArray("items", new JsonArray()).size();
      return writePositions(page).compose(v -> count < FeedHistory.PAGE ? lastWrite : replayPositions());
    });
  }

  /** Writes a {@code users.feed} page; completes when it reached the socket. */
  private Future<Void> writePositions(JsonObject page) {
    if (state != State.REPLAYING) {
      return Future.failedFuture("closed while replaying");
    }
    for (Object item : page.getJsonArray("items", new JsonArray())) {
      FeedEvent event = FeedEvent.of(item);
      if (event == null || event.position() == null) {
        return Future.failedFuture("users.feed returned an item that is not a user with a position: " + item);
      }
      write(event);
    }
    if (lastSent == null) {
      // ?last=0 or an empty feed: start right after the newest user
      lastSent = FeedPosition.parse("position", page.getString("position", FeedPosition.START.toString()));
    }
    return lastWrite;
  }

  /** Pages of {@code users.list} in id order after {@code after} (the legacy {@code since}). */
  private Future<Void> replayIds(long after) {
    held.removeIf(event -> event.id() > after);
    return history.byId(after).compose(page -> {
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
      return more ? lastWrite.compose(v -> replayIds(next)) : lastWrite;
    });
  }

  private void goLive() {
    if (state != State.REPLAYING) {
      return;
    }
    state = State.LIVE;
    List<FeedEvent> pending = new ArrayList<>(held);
    held.clear();
    if (request.since() != null) {
      pending.sort(Comparator.comparingLong(FeedEvent::id));
    }
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
    LOG.warn("Feed history for {} failed, closing the websocket: {}", request, failure.getMessage());
    close(HISTORY_FAILED, "history unavailable: " + failure.getMessage());
  }

  private boolean alreadySent(FeedEvent event) {
    return request.since() != null ? sent.contains(event.id()) : !event.isAfter(lastSent);
  }

  private boolean sendLive(FeedEvent event) {
    if (alreadySent(event)) {
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
    if (request.since() != null && !sent.add(event.id())) {
      return;
    }
    if (request.since() == null && !event.isAfter(lastSent)) {
      return;
    }
    lastSentId = Math.max(lastSentId, event.id());
    if (event.position() != null) {
      lastSent = event.position();
    }
    queued++;
    metrics.frameSent();
    lastWrite = ws.writeTextMessage(event.text()).andThen(ar -> queued--);
  }

  private void closeTooSlow() {
    String resume = request.since() != null
      ? (lastSentId >= 0 ? "resume with ?since=" + lastSentId : "reconnect to resume")
      : (lastSent != null ? "resume with ?resume=" + lastSent : "reconnect with ?last=" + FeedRequest.MAX_LAST);
    LOG.info("Feed client {} fell {} frames behind, closing it", ws.remoteAddress(), maxQueued);
    metrics.closedTooSlow();
    close(TOO_SLOW, "too slow: " + resume);
  }
}
