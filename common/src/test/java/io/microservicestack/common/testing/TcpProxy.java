package io.microservicestack.common.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy a test puts between a client and a real server, so it can cut the server away
 * ({@link #cut()}: drops every connection and refuses new ones) and bring it back ({@link #restore()})
 * without touching the shared server itself.
 */
public final class TcpProxy {

  private final Vertx vertx;
  private final String targetHost;
  private final int targetPort;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;
  private NetServer server;
  private NetClient client;

  private TcpProxy(Vertx vertx, String targetHost, int targetPort) {
    this.vertx = vertx;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  /** Starts a proxy on a free port of 127.0.0.1 to {@code targetHost:targetPort}. */
  public static Future<TcpProxy> start(Vertx vertx, String targetHost, int targetPort) {
    TcpProxy proxy = new TcpProxy(vertx, targetHost, targetPort);
    proxy.client = vertx.createNetClient();
    proxy.server = vertx.createNetServer().connectHandler(proxy::accept);
    return proxy.server.listen(0, "127.0.0.1").map(proxy);
  }

  public int port() {
    return server.actualPort();
  }

  /** Drops every open connection and closes new ones at once, as a server that went away. */
  public void cut() {
    cut = true;
    sockets.forEach(NetSocket::close);
  }

  /** Lets connections through again. */
  public void restore() {
    cut = false;
  }

  public Future<Void> close() {
    cut();
    return server.close().compose(v -> client.close());
  }

  private void accept(NetSocket inbound) {
    if (cut) {
      inbound.close();
      return;
    }
    inbound.pause();
    sockets.add(inbound);
    inbound.closeHandler(v -> sockets.remove(inbound));
    client.connect(targetPort, targetHost).onComplete(ar -> {
      if (ar.failed() || cut) {
        inbound.close();
        if (ar.succeeded()) {
          ar.result().close();
        }
        return;
      }
      NetSocket outbound = ar.result();
      sockets.add(outbound);
      outbound.closeHandler(v -> {
        sockets.remove(outbound);
        inbound.close();
      });
      inbound.closeHandler(v -> {
        sockets.remove(inbound);
        outbound.close();
      });
      inbound.pipeTo(outbound);
      outbound.pipeTo(inbound);
      inbound.resume();
    });
  }
}
