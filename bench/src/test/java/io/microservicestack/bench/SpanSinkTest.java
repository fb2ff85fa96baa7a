package io.microservicestack.bench;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class SpanSinkTest {

  @TempDir
  Path dir;
  private HttpServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private int post(String path, String method, byte[] body, boolean gzip) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
      .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    if (gzip) {
      request.header("Content-Encoding", "gzip");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static byte[] gzip(String text) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  @Test
  @DisplayName("The span sink answers every export 202 and records, gunzipped, only while recording is on")
  void recordsWhileOn() throws Exception {
    Path out = dir.resolve("spans.jsonl");
    server = SpanSink.start(0, out);

    assertThat(post("/api/v2/spans", "POST", gzip("[{\"id\":\"before\"}]"), true)).isEqualTo(202);
    assertThat(out).doesNotExist();

    assertThat(post("/recording", "PUT", "on".getBytes(StandardCharsets.UTF_8), false)).isEqualTo(204);
    assertThat(post("/api/v2/spans", "POST", gzip("[{\"id\":\"a\"}]"), true)).isEqualTo(202);
    assertThat(post("/api/v2/spans", "POST", "[{\"id\":\"b\"}]".getBytes(StandardCharsets.UTF_8), false)).isEqualTo(202);
    assertThat(post("/recording", "PUT", "off".getBytes(StandardCharsets.UTF_8), false)).isEqualTo(204);
    assertThat(post("/api/v2/spans", "POST", gzip("[{\"id\":\"after\"}]"), true)).isEqualTo(202);

    assertThat(Files.readAllLines(out)).containsExactly("[{\"id\":\"a\"}]", "[{\"id\":\"b\"}]");
    assertThat(post("/recording", "PUT", "maybe".getBytes(StandardCharsets.UTF_8), false)).isEqualTo(400);
    assertThat(post("/recording", "GET", new byte[0], false)).isEqualTo(200);
  }
}
