package io.microservicestack.stack;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

@DisplayName("LOG_FORMAT, the stack jar's log lines")
class LogFormatIT {

  @Test
  @DisplayName("With LOG_FORMAT=json every line the jar writes is a JSON object with timestamp, level, logger, thread, message and role")
  void writesJsonLines() throws Exception {
    int port = StackProcess.freePort();
    try (StackProcess stack = StackProcess.start("log-json", Map.of("LOG_FORMAT", "json", "GATEWAY_HTTP_PORT", String.valueOf(port)),
      "gateway")) {
      stack.awaitOk("http://127.0.0.1:" + port + "/health/live", Duration.ofSeconds(30));
      await().atMost(Duration.ofSeconds(30)).until(() -> stack.output().contains("ready in"));

      List<String> lines = stack.output().lines().filter(line -> !line.isBlank()).toList();
      assertThat(lines).isNotEmpty();
      for (String line : lines) {
        JsonObject json = parse(line);
        assertThat(json.fieldNames()).contains("timestamp", "level", "logger", "thread", "message", "role");
        assertThat(Instant.parse(json.getString("timestamp"))).isNotNull();
        assertThat(json.getString("role")).isEqualTo("gateway");
      }
      assertThat(lines).anySatisfy(line -> assertThat(parse(line).getString("message")).startsWith("ready in"));
    }
  }

  @Test
  @DisplayName("With tracing on, a line logged while handling a request carries that request's trace_id and span_id, as exported, and the role")
  void jsonLinesCarryTheTrace() throws Exception {
    String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    int port = StackProcess.freePort();
    try (ZipkinReceiver zipkin = ZipkinReceiver.start();
         StackProcess stack = StackProcess.start("log-traced", Map.of("LOG_FORMAT", "json", "GATEWAY_HTTP_PORT", String.valueOf(port),
           // No user service behind the gateway: the proxy's failure is logged inside the request.
           "USER_SERVICE_PORT", String.valueOf(StackProcess.freePort()),
           "OTEL_TRACES_EXPORTER", "zipkin", "OTEL_EXPORTER_ZIPKIN_ENDPOINT", zipkin.endpoint(), "OTEL_BSP_SCHEDULE_DELAY", "200"),
           "gateway")) {
      stack.awaitOk("http://127.0.0.1:" + port + "/health/live", Duration.ofSeconds(30));

      HttpResponse<String> answer = StackProcess.postJson("http://127.0.0.1:" + port + "/user",
        "{\"name\": \"ann\", \"email\": \"ann@example.com\"}", "traceparent", "00-" + trace + "-00f067aa0ba902b7-01");
      assertThat(answer.statusCode()).as(answer.body()).isGreaterThanOrEqualTo(500);

      await().atMost(Duration.ofSeconds(30)).until(() -> stack.output().lines().anyMatch(line -> line.contains("to the user service")));
      JsonObject line = stack.output().lines().filter(text -> text.contains("to the user service")).map(LogFormatIT::parse)
        .findFirst().orElseThrow();
      assertThat(line.getString("level")).isEqualTo("WARN");
      assertThat(line.getString("role")).isEqualTo("gateway");
      assertThat(line.getString("trace_id")).as(line.encode()).isEqualTo(trace);
      String spanId = line.getString("span_id");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(zipkin.spans())
        .as("an exported span of the gateway with the line's ids")
        .anySatisfy(span -> {
          assertThat(span.getString("traceId")).isEqualTo(trace);
          assertThat(span.getString("id")).isEqualTo(spanId);
          assertThat(span.getJsonObject("localEndpoint").getString("serviceName")).isEqualTo("gateway");
        }));
      // The OpenTelemetry SDK's own messages (java.util.logging) are JSON lines too.
      stack.output().lines().filter(text -> !text.isBlank()).forEach(LogFormatIT::parse);
    }
  }

  @Test
  @DisplayName("An unknown LOG_FORMAT is refused with a message naming the setting")
  void refusesUnknownFormats() throws Exception {
    try (StackProcess stack = StackProcess.start("log-bad-format", Map.of("LOG_FORMAT", "yaml"), "gateway")) {
      assertThat(stack.process.waitFor()).isEqualTo(1);
      assertThat(stack.output()).contains("LOG_FORMAT (logFormat) must be text or json, got 'yaml'");
    }
  }

  private static JsonObject parse(String line) {
    try {
      return new JsonObject(line);
    } catch (DecodeException e) {
      return fail("Not a JSON line: " + line);
    }
  }
}
