package io.microservicestack.gateway;

import io.microservicestack.common.Addresses;
import io.microservicestack.common.FeedPosition;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * Follows the feed's log in position order and hands each released user to the websockets, once.
 *
 * <p>The user service announces each user on {@code users.created} right after its commit, but transactions commit
 * in any order, so the announcements are only a wake-up: the tail then reads {@code users.feed} after the last
 * position it released, which answers only users that are final (nothing can still appear below them, see
 * {@link FeedPosition}). A user whose transaction started before a still-open one is held back by the database
 * until that one ends; the tail asks again after a short, growing pause while an announced user is not released
 * yet, and every {@code feedPollMs} anyway (a lost announcement delays a user, never drops it). One read at a time;
 * wake-ups during a read are coalesced into the next. Each user's hand-over is a span linked to its create
 * ({@link FeedSpans}).
 *
 * <p>All methods run on the event loop of the verticle that owns the tail.
 */
final class FeedTail {

  /** Users per {@code users.feed} read. */
  static final int PAGE = 500;
  private static final long FIRST_RETRY_MS = 5;

  private static final Logger LOG = LoggerFactory.getLogger(FeedTail.class);

  private final Vertx vertx;
  private final UserRpcClient rpc;
  private final Consumer<FeedEvent> deliver;
  private final long pollMs;
  private final FeedSpans spans = new FeedSpans();
  private MessageConsumer<JsonObject> announcements;
  private long pollTimer = -1;
  private long retryTimer = -1;
  private long retryMs = FIRST_RETRY_MS;
  private FeedPosition released;
  private FeedPosition announced;
  /** The first user announced before the tail knew where the feed ends: it starts there, not after it. */
  private FeedPosition firstAnnounced;
  private boolean reading;
  private boolean again;
  private boolean stopped;

  FeedTail(Vertx vertx, UserRpcClient rpc, long pollMs, Consumer<FeedEvent> deliver) {
    this.vertx = vertx;
    this.rpc = rpc;
    this.pollMs = pollMs;
    this.deliver = deliver;
  }

  /** Listens for announcements and starts reading; completes once the announcement consumer is registered. */
  Future<Void> start() {
    announcements = vertx.eventBus().consumer(Addresses.USERS_CREATED, this::announced);
    pollTimer = vertx.setPeriodic(pollMs, id -> read());
    read();
    return announcements.completion();
  }

  Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(retryTimer);
    return announcements == null ? Future.succeededFuture() : announcements.unregister();
  }

  /** The last position handed out, or null before the tail knows where the feed ends. */
  FeedPosition position() {
    return released;
  }

  private void announced(Message<JsonObject> message) {
    FeedEvent event = FeedEvent.of(message.body());
    if (event == null || event.position() == null) {
      LOG.warn("Ignoring a {} message that is not a user with a position: {}", Addresses.USERS_CREATED, message.body());
      return;
    }
    if (announced == null || event.position().isAfter(announced)) {
      announced = event.position();
    }
    if (released == null && (firstAnnounced == null || firstAnnounced.isAfter(event.position()))) {
      firstAnnounced = event.position();
    }
    if (event.isAfter(released)) {
      spans.announced(event.position());
      read();
    }
  }

  private void read() {
    if (stopped) {
      return;
    }
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    again = false;
    JsonObject query = released == null
      ? new JsonObject().put("last", 0)
      : new JsonObject().put("after", released.toString()).put("limit", PAGE);
    rpc.request(Addresses.USERS_FEED, query).onComplete(ar -> {
      reading = false;
      if (ar.failed()) {
        LOG.debug("Reading the feed after {} failed: {}", released, ar.cause().getMessage());
        retryLater();
        return;
      }
      int count = release(ar.result());
      if (count == PAGE || again) {
        read();
      } else if (announced != null && announced.isAfter(released)) {
        retryLater();
      } else {
        retryMs = FIRST_RETRY_MS;
      }
    });
  }

  /** Hands the page's users on in order and moves the position; returns how many there were. */
  private int release(JsonObject page) {
    JsonArray items = page.getJsonArray("items", new JsonArray());
    for (Object item : items) {
      FeedEvent event = FeedEvent.of(item);
      if (event != null && event.isAfter(released)) {
        released = event.position();
        spans.deliver(event, deliver);
      }
    }
    FeedPosition end = FeedPosition.parse("position", page.getString("position", FeedPosition.START.toString()));
    if (released == null && firstAnnounced != null && !firstAnnounced.isAfter(end)) {
      // Users were announced while the tail was still learning where the feed ends (the user service came up after
      // the gateway): start right before the first of them, so that none is skipped, and read on at once.
      released = new FeedPosition(firstAnnounced.xid(), firstAnnounced.id() - 1);
      again = true;
    } else if (released == null || end.isAfter(released)) {
      released = end;
    }
    firstAnnounced = null;
    return items.size();
  }

  /** Reads again soon: an announced user is held back by a transaction still open, or the user service is away. */
  private void retryLater() {
    if (stopped || retryTimer != -1) {
      return;
    }
    long delay = retryMs;
    retryMs = Math.min(pollMs, retryMs * 2);
    retryTimer = vertx.setTimer(delay, id -> {
      retryTimer = -1;
      read();
    });
  }
}
