package io.microservicestack.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * A stand-in for Zipkin's span intake, for {@code run.sh --variant stages}: {@code POST /api/v2/spans} (a JSON array
 * of v2 spans, gzipped or not) is answered 202 and, while recording, appended to a file as one line. Recording is
 * off at the start and switched by {@code PUT /recording} with the body {@code on} or {@code off} ({@code GET} tells
 * which), so that the warm-up's spans cost a read and nothing more.
 */
final class SpanSink {

  private final Path out;
  private volatile boolean recording;

  private SpanSink(Path out) {
    this.out = out;
  }

  /** Starts the sink on {@code port} (0: any), appending to {@code out}; returns the server. */
  static HttpServer start(int port, Path out) throws IOException {
    SpanSink sink = new SpanSink(out);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    server.createContext("/api/v2/spans", sink::spans);
    server.createContext("/recording", sink::recording);
    server.setExecutor(Executors.newSingleThreadExecutor());
    server.start();
    return server;
  }

  private void spans(HttpExchange exchange) throws IOException {
    try (InputStream body = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
      ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
      byte[] spans = body.readAllBytes();
      if (recording && spans.length > 0) {
        Files.write(out, (new String(spans, StandardCharsets.UTF_8).strip() + "\n").getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
    }
    answer(exchange, 202, "");
  }

  private void recording(HttpExchange exchange) throws IOException {
    if ("GET".equals(exchange.getRequestMethod())) {
      answer(exchange, 200, (recording ? "on" : "off") + "\n");
      return;
    }
    String state = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!"PUT".equals(exchange.getRequestMethod()) || !(state.equals("on") || state.equals("off"))) {
      answer(exchange, 400, "PUT on or off\n");
      return;
    }
    recording = state.equals("on");
    answer(exchange, 204, "");
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream response = exchange.getResponseBody()) {
        response.write(bytes);
      }
    }
    exchange.close();
  }
}
