package io.microservicestack.common;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("A service's HTTP server")
class HttpServersTest {

  @Test
  @DisplayName("On shutdown, finishes the requests in flight and then refuses new connections")
  void finishesInFlightRequests(Vertx vertx) throws Exception {
    CountDownLatch inFlight = new CountDownLatch(1);
    Router router = Router.router(vertx);
    router.get("/slow").handler(ctx -> {
      inFlight.countDown();
      vertx.setTimer(500, t -> ctx.response().end("done"));
    });
    var server = HttpServers.listen(vertx, router, "test", "127.0.0.1", 0).await(5, TimeUnit.SECONDS);
    var client = vertx.createHttpClient();

    var response = client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/slow")
      .compose(request -> request.send())
      .compose(r -> r.body().map(body -> r.statusCode() + " " + body));
    assertThat(inFlight.await(5, TimeUnit.SECONDS)).isTrue();
    var stopped = HttpServers.shutdown(server);

    assertThat(response.await(5, TimeUnit.SECONDS)).isEqualTo("200 done");
    stopped.await(5, TimeUnit.SECONDS);
    assertThat(vertx.createNetClient().connect(server.actualPort(), "127.0.0.1").otherwiseEmpty()
      .await(5, TimeUnit.SECONDS)).as("new connections are refused").isNull();
  }
}
