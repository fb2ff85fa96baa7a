package io.microservicestack.bdd;

import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** One websocket on the gateway's feed of created users: keeps every user frame it received, in order. */
public final class LiveFeed {

  private final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  private volatile WebSocket socket;
  private volatile String closedBecause;

  LiveFeed attach(WebSocket socket) {
    this.socket = socket;
    socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
    socket.closeHandler(v -> closedBecause = "closed by the gateway: " + socket.closeStatusCode() + " " + socket.closeReason());
    return this;
  }

  /** The users received so far whose email is one of {@code emails}, in the order they arrived. */
  public List<JsonObject> usersWithEmails(Collection<String> emails) {
    return frames.stream().filter(user -> emails.contains(user.getString("email"))).collect(Collectors.toList());
  }

  /** Why the socket is closed, or null while it is open. */
  public String closedBecause() {
    return closedBecause;
  }

  /** Closes the socket (normal closure) and waits for the close handshake. */
  public void close() {
    if (closedBecause == null) {
      closedBecause = "closed by the client";
      GatewayClient.await(socket.close(), "closing the live feed");
    }
  }
}
