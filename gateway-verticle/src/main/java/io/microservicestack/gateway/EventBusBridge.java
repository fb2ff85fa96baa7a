package io.microservicestack.gateway;

import io.microservicestack.common.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.BindException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * The TCP event-bus bridge (vertx-tcp-eventbus-bridge): lets a client in any language speak to the event bus over a
 * plain socket, each frame a 4-byte big-endian length and a JSON object ({@code {"type": "send", "address":
 * "users.get", "replyAddress": "r1", "body": {"id": 1}}}). Only an allow-list gets through:
 * <ul>
 *   <li>inbound (a client may {@code send} to): {@link #INBOUND}, the RPC the gateway itself uses;</li>
 *   <li>outbound (a client may {@code register} for): {@link #OUTBOUND}, the {@code users.created} announcements.</li>
 * </ul>
 * Anything else is answered with an error frame {@code {"type": "err", "message": "access_denied"}}. Every frame
 * passes the {@link BridgeGuard} first, which strips identity headers a client may not set. A frame longer than
 * {@code BRIDGE_MAX_FRAME_BYTES} closes the connection ({@link BridgeFrameLimit}).
 *
 * <p>It runs on the gateway's interface, on its own port ({@code BRIDGE_PORT}); it uses the gateway's event bus, so
 * it reaches the user service in one JVM and across a cluster alike.
 */
public final class EventBusBridge {

  private static final Logger LOG = LoggerFactory.getLogger(EventBusBridge.class);
  /** Addresses a bridge client may send requests to. */
  public static final List<String> INBOUND = List.of(Addresses.USERS_GET, Addresses.USERS_LIST, Addresses.USERS_PING,
    Addresses.USERS_FEED);
  /** Addresses a bridge client may register for. */
  public static final List<String> OUTBOUND = List.of(Addresses.USERS_CREATED);
  /** Binding a port picked free can lose a race with another process: how often to pick again. */
  private static final int FREE_PORT_ATTEMPTS = 3;

  private final TcpEventBusBridge bridge;
  private final int port;

  private EventBusBridge(TcpEventBusBridge bridge, int port) {
    this.bridge = bridge;
    this.port = port;
  }

  /** The allow-list as bridge options. */
  static BridgeOptions options() {
    BridgeOptions options = new BridgeOptions();
    INBOUND.forEach(address -> options.addInboundPermitted(new PermittedOptions().setAddress(address)));
    OUTBOUND.forEach(address -> options.addOutboundPermitted(new PermittedOptions().setAddress(address)));
    return options;
  }

  /**
   * Starts the bridge on {@code host:port}; port 0 picks a free one (the library does not report the port it bound,
   * so the bridge picks a free port itself and tries again when another process took it first).
   */
  public static Future<EventBusBridge> start(Vertx vertx, String host, int port, int maxFrameBytes, Handler<BridgeEvent> guard) {
    return listen(vertx, host, port, maxFrameBytes, guard, 1)
      .onSuccess(bridge -> LOG.info("event-bus bridge listening on tcp://{}:{} (send: {}; register: {})", host, bridge.port,
        INBOUND, OUTBOUND));
  }

  private static Future<EventBusBridge> listen(Vertx vertx, String host, int port, int maxFrameBytes,
                                               Handler<BridgeEvent> guard, int attempt) {
    int chosen = port == 0 ? freePort() : port;
    TcpEventBusBridge bridge = create(vertx, host, maxFrameBytes, guard);
    return bridge.listen(chosen, host)
      .map(listening -> new EventBusBridge(listening, chosen))
      .recover(failure -> {
        if (!(failure instanceof BindException)) {
          return Future.failedFuture(failure);
        }
        if (port == 0 && attempt < FREE_PORT_ATTEMPTS) {
          return listen(vertx, host, port, maxFrameBytes, guard, attempt + 1);
        }
        return Future.failedFuture(new IllegalStateException("The gateway's event-bus bridge cannot listen on " + host
          + ":" + chosen + ": the port is in use; set " + GatewayConfig.BRIDGE_PORT.env() + " to another port", failure));
      });
  }

  /**
   * The library's bridge with {@link BridgeFrameLimit} in front of every connection. The library keeps its NetServer
   * to itself and asks the Vertx it is given for it, so it is given one that hands out the real server and keeps hold
   * of it: the server's connect handler is then wrapped before it listens.
   */
  private static TcpEventBusBridge create(Vertx vertx, String host, int maxFrameBytes, Handler<BridgeEvent> guard) {
    List<NetServer> created = new ArrayList<>();
    Vertx watching = (Vertx) Proxy.newProxyInstance(Vertx.class.getClassLoader(), new Class<?>[] {Vertx.class},
      (proxy, method, args) -> {
        try {
          Object result = method.invoke(vertx, args);
          if (result instanceof NetServer server) {
            created.add(server);
          }
          return result;
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      });
    TcpEventBusBridge bridge = TcpEventBusBridge.create(watching, options(), new NetServerOptions().setHost(host), guard);
    if (created.size() != 1 || created.get(0).connectHandler() == null) {
      throw new IllegalStateException("vertx-tcp-eventbus-bridge no longer creates its NetServer through the Vertx it is"
        + " given: the frame length limit cannot be put in front of it");
    }
    NetServer server = created.get(0);
    Handler<NetSocket> bridgeConnections = server.connectHandler();
    server.connectHandler(socket -> {
      BridgeFrameLimit.install(socket, maxFrameBytes);
      bridgeConnections.handle(socket);
    });
    return bridge;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port the bridge listens on. */
  public int port() {
    return port;
  }

  /** Stops accepting connections and closes the open ones (their registrations end with them). */
  public Future<Void> close() {
    return bridge.close();
  }
}
