package io.microservicestack.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

/**
 * The plain loopback round trip an RPC is compared with: a Vert.x TCP echo server and one client connection
 * sending a small message and waiting for all of it to come back, sequentially.
 */
public final class EchoBaseline {

  private static final Buffer MESSAGE = Buffer.buffer("{\"ping\":\"0123456789abcdef\"}");

  private final Vertx vertx;

  public EchoBaseline(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Warms up for {@code warmupMs}, then measures round trips for {@code measureMs}. */
  public Future<Latencies> measure(long warmupMs, long measureMs) {
    NetServer server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true))
      .connectHandler(socket -> socket.handler(socket::write));
    return server.listen().compose(listening -> vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true))
        .connect(listening.actualPort(), "127.0.0.1")
        .compose(socket -> {
          Echoer echoer = new Echoer(socket);
          return Sequential.run(vertx, echoer::roundTrip, warmupMs, null)
            .compose(v -> {
              Latencies latencies = new Latencies();
              return Sequential.run(vertx, echoer::roundTrip, measureMs, latencies).map(latencies);
            })
            .eventually(socket::close);
        }))
      .eventually(server::close);
  }

  /** One connection; a round trip completes when as many bytes came back as were sent. */
  private static final class Echoer {
    private final NetSocket socket;
    private Promise<Void> pending;
    private int missing;

    Echoer(NetSocket socket) {
      this.socket = socket;
      socket.handler(buffer -> {
        missing -= buffer.length();
        if (missing <= 0 && pending != null) {
          Promise<Void> done = pending;
          pending = null;
          done.complete();
        }
      });
    }

    Future<Void> roundTrip() {
      pending = Promise.promise();
      missing = MESSAGE.length();
      socket.write(MESSAGE);
      return pending.future();
    }
  }
}
