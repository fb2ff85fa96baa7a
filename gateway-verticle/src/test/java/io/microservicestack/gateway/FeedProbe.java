package io.microservicestack.gateway;

import io.vertx.core.Future;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** A websocket client of the feed that records what it receives: user frames, pings and how it was closed. */
final class FeedProbe {

  final List<JsonObject> users = new CopyOnWriteArrayList<>();
  final AtomicInteger pings = new AtomicInteger();
  volatile Short closeCode;
  volatile String closeReason;
  volatile boolean closed;
  volatile Consumer<JsonObject> listener = user -> { };
  WebSocket socket;

  /** Connects to {@code uri} (e.g. {@code /ws/users?since=3}) and starts recording. */
  static Future<FeedProbe> connect(WebSocketClient client, int port, String uri) {
    FeedProbe probe = new FeedProbe();
    return client.connect(port, "127.0.0.1", uri).map(ws -> {
      probe.socket = ws;
      ws.textMessageHandler(text -> {
        JsonObject user = new JsonObject(text);
        probe.users.add(user);
        probe.listener.accept(user);
      });
      ws.frameHandler(frame -> {
        if (frame.isPing()) {
          probe.pings.incrementAndGet();
        }
      });
      ws.closeHandler(v -> {
        probe.closeCode = ws.closeStatusCode();
        probe.closeReason = ws.closeReason();
        probe.closed = true;
      });
      return probe;
    });
  }

  List<Long> ids() {
    return users.stream().map(user -> user.getLong("id")).collect(Collectors.toList());
  }
}
