package io.microservicestack.bench;

import io.microservicestack.common.testing.Await;
import io.microservicestack.common.testing.TcpProxy;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which failed creates a fault of the soak explains: the soak fails on any other, so a window too wide would hide a
 * real 5xx, and one too narrow would fail a healthy run.
 */
@DisplayName("The soak's faults and the failures they explain")
class FaultsTest {

  private final Vertx vertx = Vertx.vertx();
  private NetServer server;
  private TcpProxy pg;
  private TcpProxy amqp;

  @BeforeEach
  void proxies() {
    server = Await.result(vertx.createNetServer().connectHandler(socket -> { }).listen(0, "127.0.0.1"), "a server");
    pg = Await.result(TcpProxy.start(vertx, "127.0.0.1", server.actualPort()), "the PostgreSQL proxy");
    amqp = Await.result(TcpProxy.start(vertx, "127.0.0.1", server.actualPort()), "the RabbitMQ proxy");
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("A 503 overlapping a fault or the grace after its recovery is explained; a 500, a 502 of a RabbitMQ drop and a 503 outside every window are not")
  void windows() {
    Promise<Void> recovered = Promise.promise();
    Faults faults = new Faults(vertx, pg, amqp, null, 100, () -> recovered.future());
    long before = System.nanoTime();
    assertThat(faults.explains(503, before - 1_000_000, before)).as("a 503 before any fault").isFalse();

    Future<Void> first = faults.injectNext();
    long during = System.nanoTime();
    assertThat(faults.explains(503, during, during)).as("a 503 while the fault is open").isTrue();
    assertThat(faults.explains(502, during, during)).as("a 502 during a RabbitMQ drop").isFalse();
    assertThat(faults.explains(500, during, during)).as("a 500 during a fault").isFalse();

    recovered.complete();
    Await.result(first, "the fault's recovery");
    long after = System.nanoTime();
    assertThat(faults.explains(503, after, after)).as("a 503 in the grace after the recovery").isTrue();
    long later = after + (Faults.GRACE_MS + 1_000) * 1_000_000;
    assertThat(faults.explains(503, later, later)).as("a 503 long after the recovery").isFalse();
    assertThat(faults.report().getJsonObject("injected").getInteger("rabbitmq-drop")).isEqualTo(1);
  }
}
