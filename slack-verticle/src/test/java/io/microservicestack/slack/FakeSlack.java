package io.microservicestack.slack;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A stand-in for Slack's incoming webhook: records every request it receives, with the time it arrived, and
 * answers with scripted responses (200 {@code ok} once the script is used up).
 */
final class FakeSlack {

  /** A request as the fake received it. */
  record Received(String method, String path, String contentType, JsonObject body, long atMillis) {
  }

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Queue<Consumer<HttpServerRequest>> script = new ConcurrentLinkedQueue<>();
  private HttpServer server;

  static FakeSlack start(Vertx vertx) {
    FakeSlack fake = new FakeSlack();
    fake.server = SlackTestSupport.await(vertx.createHttpServer().requestHandler(fake::handle).listen(0, "127.0.0.1"));
    return fake;
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/services/T000/B000/XXXX";
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  /** The next request is answered with {@code status} (and a {@code Retry-After} when not null). */
  FakeSlack thenAnswer(int status, String retryAfter) {
    script.add(request -> {
      if (retryAfter != null) {
        request.response().putHeader("Retry-After", retryAfter);
      }
      request.response().setStatusCode(status).end(status < 300 ? "ok" : "error " + status);
    });
    return this;
  }

  /** The next request's connection is closed without an answer. */
  FakeSlack thenDropConnection() {
    script.add(request -> request.connection().close());
    return this;
  }

  /** The next request gets no answer at all. */
  FakeSlack thenHang() {
    script.add(request -> { });
    return this;
  }

  Future<Void> close() {
    return server.close();
  }

  private void handle(HttpServerRequest request) {
    long at = System.currentTimeMillis();
    request.body().onSuccess(body -> {
      JsonObject json;
      try {
        json = body.toJsonObject();
      } catch (RuntimeException e) {
        json = new JsonObject().put("unparsable", body.toString());
      }
      received.add(new Received(request.method().name(), request.path(), request.getHeader("Content-Type"), json, at));
      Consumer<HttpServerRequest> next = script.poll();
      if (next == null) {
        request.response().end("ok");
      } else {
        next.accept(request);
      }
    });
  }
}
