package io.microservicestack.common;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("A service's HTTP server")
class ServiceHttpTest {

  private static final Setting PORT = Setting.of("httpPort", "TEST_PORT", 0, "a test port");

  @Test
  @DisplayName("On shutdown, finishes the requests in flight and then refuses new connections")
  void finishesInFlightRequests(Vertx vertx) throws Exception {
    CountDownLatch inFlight = new CountDownLatch(1);
    Router router = Router.router(vertx);
    router.get("/slow").handler(ctx -> {
      inFlight.countDown();
      vertx.setTimer(500, t -> ctx.response().end("done"));
    });
    var server = ServiceHttp.listen(vertx, router, "test", "127.0.0.1", 0, PORT).await(5, TimeUnit.SECONDS);
    var client = vertx.createHttpClient();

    var response = client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/slow")
      .compose(request -> request.send())
      .compose(r -> r.body().map(body -> r.statusCode() + " " + body));
    assertThat(inFlight.await(5, TimeUnit.SECONDS)).isTrue();
    var stopped = ServiceHttp.shutdown(server);

    assertThat(response.await(5, TimeUnit.SECONDS)).isEqualTo("200 done");
    stopped.await(5, TimeUnit.SECONDS);
    assertThat(vertx.createNetClient().connect(server.actualPort(), "127.0.0.1").otherwiseEmpty()
      .await(5, TimeUnit.SECONDS)).as("new connections are refused").isNull();
  }

  @Test
  @DisplayName("Every service answers /ping, /health/live, and /health/ready with its checks: 503 naming the one that is down")
  void sharedRoutes(Vertx vertx) throws Exception {
    HealthChecks checks = HealthChecks.create(vertx)
      .register("up", promise -> promise.complete(Status.OK()))
      .register("down", promise -> promise.complete(Status.KO(new JsonObject().put("error", "gone"))));
    var server = ServiceHttp.listen(vertx, ServiceHttp.router(vertx, checks), "test", "127.0.0.1", 0, PORT)
      .await(5, TimeUnit.SECONDS);
    HttpClient client = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + server.actualPort();

    var ping = client.send(HttpRequest.newBuilder(URI.create(base + "/ping")).build(), BodyHandlers.ofString());
    var live = client.send(HttpRequest.newBuilder(URI.create(base + "/health/live")).build(), BodyHandlers.ofString());
    var ready = client.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(), BodyHandlers.ofString());
    var missing = client.send(HttpRequest.newBuilder(URI.create(base + "/nothing")).build(), BodyHandlers.ofString());

    assertThat(new JsonObject(ping.body())).isEqualTo(new JsonObject().put("response", "pong"));
    assertThat(ping.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("\"down\"").contains("gone");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type")).hasValue(Problem.CONTENT_TYPE);
  }

  @Test
  @DisplayName("A request line over 4096 bytes is a 414, headers over 8 KiB a 431, a malformed request a 400: each problem+json naming what was wrong, and the connection is closed")
  void unreadableRequests(Vertx vertx) throws Exception {
    var server = ServiceHttp.listen(vertx, ServiceHttp.router(vertx, HealthChecks.create(vertx)), "test", "127.0.0.1", 0, PORT)
      .await(5, TimeUnit.SECONDS);
    String longUri = "GET /" + "a".repeat(ServiceHttp.MAX_INITIAL_LINE_BYTES) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    String bigHeaders = "GET /ping HTTP/1.1\r\nHost: x\r\nX-Pad: " + "p".repeat(ServiceHttp.MAX_HEADER_BYTES) + "\r\n\r\n";
    String malformed = "GET /ping HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n";

    assertProblem(raw(server.actualPort(), longUri), 414, "longer than 4096 bytes");
    assertProblem(raw(server.actualPort(), bigHeaders), 431, "larger than 8192 bytes");
    assertProblem(raw(server.actualPort(), malformed), 400, "not valid HTTP/1.1");
  }

  private static void assertProblem(String answer, int status, String detail) {
    assertThat(answer).matches("(?s)HTTP/1\\.[01] " + status + " .*");
    String[] headAndBody = answer.split("\r\n\r\n", 2);
    assertThat(headAndBody[0]).containsIgnoringCase("content-type: " + Problem.CONTENT_TYPE);
    JsonObject problem = new JsonObject(headAndBody[1]);
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("detail")).contains(detail);
  }

  /** Sends {@code request} on a plain socket and reads until the server closes the connection (fails after 10 s). */
  private static String raw(int port, String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  @DisplayName("A port that is taken fails the start with one sentence naming the address and the setting to change")
  void portInUse(Vertx vertx) throws Exception {
    var taken = ServiceHttp.listen(vertx, Router.router(vertx), "first", "127.0.0.1", 0, PORT).await(5, TimeUnit.SECONDS);

    var second = ServiceHttp.listen(vertx, Router.router(vertx), "user service", "127.0.0.1", taken.actualPort(), PORT);

    assertThat(second.otherwise(e -> null).await(5, TimeUnit.SECONDS)).isNull();
    assertThat(second.cause()).isInstanceOf(IllegalStateException.class)
      .hasMessage("The user service cannot listen on 127.0.0.1:" + taken.actualPort() + ": the port is in use; set TEST_PORT to another port");
  }
}
