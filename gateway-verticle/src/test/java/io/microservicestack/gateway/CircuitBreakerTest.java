package io.microservicestack.gateway;

import io.microservicestack.common.Problem;
import io.microservicestack.common.testing.TcpProxy;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.microservicestack.gateway.GatewayFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("The circuit breaker per upstream")
class CircuitBreakerTest {

  @Test
  @DisplayName("After BREAKER_MAX_FAILURES failures the gateway answers 503 with Retry-After without calling the upstream; /health shows OPEN; a probe after the reset closes it again.")
  void opensAndCloses(Vertx vertx) {
    AtomicInteger calls = new AtomicInteger();
    Router slack = Router.router(vertx);
    slack.get("/messages").handler(ctx -> {
      calls.incrementAndGet();
      ctx.json(GatewayFixture.messagePage());
    });
    int slackPort = GatewayFixture.fakeServer(vertx, slack).actualPort();
    TcpProxy line = await(TcpProxy.start(vertx, "127.0.0.1", slackPort));
    int port = GatewayFixture.deploy(vertx, GatewayFixture.config(vertx).put("slackPort", line.port())
      .put("breakerMaxFailures", 2).put("breakerResetMs", 300)).actualPort();
    WebClient web = GatewayFixture.web(vertx);
    assertThat(get(web, port).statusCode()).isEqualTo(200);

    line.cut();
    assertThat(get(web, port).statusCode()).isBetween(502, 503);
    assertThat(get(web, port).statusCode()).isBetween(502, 503);
    line.restore();
    int callsBefore = calls.get();
    HttpResponse<Buffer> open = get(web, port);

    assertThat(open.statusCode()).isEqualTo(503);
    assertThat(open.getHeader("Content-Type")).isEqualTo(Problem.CONTENT_TYPE);
    assertThat(open.getHeader("Retry-After")).isEqualTo("1");
    assertThat(calls.get()).as("an open circuit does not call the upstream").isEqualTo(callsBefore);
    assertThat(circuits(web, port).getString("slack")).isEqualTo("OPEN");
    assertThat(circuits(web, port).getString("user")).isEqualTo("CLOSED");

    org.awaitility.Awaitility.await("the expected outcome").atMost(java.time.Duration.ofSeconds(5)).until(() -> get(web, port).statusCode() == 200);
    assertThat(circuits(web, port).getString("slack")).isEqualTo("CLOSED");
    await(line.close());
  }

  @Test
  @DisplayName("Clients that hang up while the upstream is still answering do not open its circuit: the upstream did not fail.")
  void clientsHangingUpDoNotOpenIt(Vertx vertx) {
    AtomicInteger held = new AtomicInteger();
    AtomicInteger upstreamClosed = new AtomicInteger();
    AtomicBoolean hold = new AtomicBoolean(true);
    Router slack = Router.router(vertx);
    slack.get("/messages").handler(ctx -> {
      if (hold.get()) {
        ctx.request().connection().closeHandler(v -> upstreamClosed.incrementAndGet());
        held.incrementAndGet();
      } else {
        ctx.json(GatewayFixture.messagePage());
      }
    });
    int slackPort = GatewayFixture.fakeServer(vertx, slack).actualPort();
    int port = GatewayFixture.deploy(vertx, GatewayFixture.config(vertx).put("slackPort", slackPort)
      .put("breakerMaxFailures", 2).put("breakerResetMs", 60_000)).actualPort();
    NetClient raw = vertx.createNetClient();

    for (int i = 1; i <= 3; i++) {
      NetSocket socket = await(raw.connect(port, "127.0.0.1"));
      await(socket.write("GET /messages?channel=%23user HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
      int calls = i;
      org.awaitility.Awaitility.await("request " + i + " reaching the upstream (an open circuit would answer it itself)").atMost(Duration.ofSeconds(10)).until(() -> held.get() == calls);
      await(socket.close());
      org.awaitility.Awaitility.await("the gateway giving up request " + i + " upstream").atMost(Duration.ofSeconds(30))
        .until(() -> upstreamClosed.get() == calls);
    }
    hold.set(false);

    WebClient web = GatewayFixture.web(vertx);
    assertThat(get(web, port).statusCode()).as("the circuit stayed closed").isEqualTo(200);
    assertThat(circuits(web, port).getString("slack")).isEqualTo("CLOSED");
  }

  private static HttpResponse<Buffer> get(WebClient web, int port) {
    return await(web.get(port, "127.0.0.1", "/messages").send());
  }

  private static JsonObject circuits(WebClient web, int port) {
    return await(web.get(port, "127.0.0.1", "/health").send()).bodyAsJsonObject().getJsonObject("circuits");
  }
}
