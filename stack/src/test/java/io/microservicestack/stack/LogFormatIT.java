package io.microservicestack.stack;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
