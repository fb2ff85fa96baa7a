package io.microservicestack.bench;

import io.microservicestack.common.FeedPosition;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongConsumer;

/**
 * One websocket client of the feed soak ({@link FeedSoak}): it drops its connection every 2-5 s and resumes from the
 * last position it received, and counts what it got: frames, users received twice, frames out of position order.
 * Runs on the probe's event loop only.
 */
final class SoakClient {

  final Map<Long, Boolean> received = new HashMap<>();
  long frames;
  long duplicates;
  long outOfOrder;
  long reconnects;
  /** nanoTime of the last frame, and of the last connect attempt: what a client that stopped receiving was doing. */
  long lastFrameAt;
  long lastConnectAt;
  /** Whether a connect is under way (its handshake not answered yet). */
  boolean connecting;

  private final Vertx vertx;
  private final WebSocketClient ws;
  private final String host;
  private final int port;
  private final LongConsumer onUser;
  private FeedPosition last;
  private final Promise<Void> positioned = Promise.promise();
  private WebSocket socket;
  private long dropTimer = -1;
  private boolean dropping = true;
  private boolean finished;

  /** @param onUser told the id of every user this client receives (the soak measures create → frame with it) */
  SoakClient(Vertx vertx, WebSocketClient ws, String host, int port, LongConsumer onUser) {
    this.vertx = vertx;
    this.ws = ws;
    this.host = host;
    this.port = port;
    this.onUser = onUser;
  }

  /** Connects with the latest user first, so that the client knows a position from its first frame on. */
  Future<WebSocket> connect() {
    return connect("/ws/users?last=1");
  }

  /**
   * Completes at the first frame: from then on the client has a position and misses nothing. Before it, a user
   * created after the connect but before the gateway read the latest user is, as {@code ?last=1} says, not sent.
   */
  Future<Void> positioned() {
    return positioned.future();
  }

  /** Drops the connection every 2-5 s until {@link #stopDropping}. */
  void scheduleDrop() {
    dropTimer = vertx.setTimer(2_000 + ThreadLocalRandom.current().nextInt(3_000), t -> {
      WebSocket current = socket;
      if (current != null && dropping) {
        socket = null;
        current.close().onComplete(ar -> reconnect());
      }
      if (dropping) {
        scheduleDrop();
      }
    });
  }

  void stopDropping() {
    dropping = false;
    vertx.cancelTimer(dropTimer);
  }

  /** Closes the connection for good: no reconnect after this. */
  void finish() {
    finished = true;
    stopDropping();
    if (socket != null) {
      socket.close();
    }
  }

  /** Where the client stands, for the report of a client that missed users. */
  JsonObject state() {
    long now = System.nanoTime();
    return new JsonObject().put("open", socket != null).put("connecting", connecting).put("reconnects", reconnects)
      .put("last", last == null ? null : last.toString())
      .put("lastFrameAgoMs", lastFrameAt == 0 ? null : (now - lastFrameAt) / 1_000_000)
      .put("lastConnectAgoMs", lastConnectAt == 0 ? null : (now - lastConnectAt) / 1_000_000);
  }

  private Future<WebSocket> connect(String uri) {
    connecting = true;
    lastConnectAt = System.nanoTime();
    return ws.connect(port, host, uri).onComplete(ar -> connecting = false).onSuccess(connected -> {
      socket = connected;
      connected.textMessageHandler(this::frame);
      connected.closeHandler(v -> {
        if (socket == connected) {
          reconnect();
        }
      });
    }).onFailure(e -> {
      if (!finished) {
        vertx.setTimer(100, t -> reconnect());
      }
    });
  }

  private void frame(String text) {
    JsonObject user = new JsonObject(text);
    FeedPosition position = FeedPosition.parse("position", user.getString("position"));
    long id = user.getLong("id");
    frames++;
    lastFrameAt = System.nanoTime();
    positioned.tryComplete();
    if (last != null && !position.isAfter(last)) {
      outOfOrder++;
    } else {
      last = position;
    }
    if (received.put(id, Boolean.TRUE) != null) {
      duplicates++;
    }
    onUser.accept(id);
  }

  private void reconnect() {
    if (finished) {
      return;
    }
    reconnects++;
    socket = null;
    connect(last == null ? "/ws/users?last=1" : "/ws/users?resume=" + last);
  }
}
