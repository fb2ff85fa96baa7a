package io.microservicestack.stack;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A stand-in for Zipkin's span intake ({@code POST /api/v2/spans}, a JSON array of v2 spans): keeps every span it is
 * sent, for a test to read ({@code traceId}, {@code id}, {@code parentId}, {@code kind}, {@code name},
 * {@code localEndpoint.serviceName}, {@code tags}).
 */
final class ZipkinReceiver implements AutoCloseable {

  private final HttpServer server;
  private final List<JsonObject> spans = new CopyOnWriteArrayList<>();

  private ZipkinReceiver(HttpServer server) {
    this.server = server;
  }

  static ZipkinReceiver start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    ZipkinReceiver receiver = new ZipkinReceiver(server);
    server.createContext("/api/v2/spans", exchange -> {
      try (InputStream body = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
        ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
        new JsonArray(new String(body.readAllBytes(), StandardCharsets.UTF_8))
          .forEach(span -> receiver.spans.add((JsonObject) span));
      }
      exchange.sendResponseHeaders(202, -1);
      exchange.close();
    });
    server.start();
    return receiver;
  }

  /** The URL to give {@code OTEL_EXPORTER_ZIPKIN_ENDPOINT}. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v2/spans";
  }

  List<JsonObject> spans() {
    return List.copyOf(spans);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
