package io.microservicestack.stack;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("The stack jar, run as its own JVM")
class StackJarIT {

  @Test
  @DisplayName("java -jar stack.jar user serves the README's curl example and shuts down cleanly on SIGTERM")
  void runsTheUserRole() throws Exception {
    int port = StackProcess.freePort();
    String schema = "stack_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    try (StackProcess stack = StackProcess.start("user-role", Map.of("USER_HTTP_PORT", String.valueOf(port), "PG_SCHEMA", schema), "user")) {
      stack.awaitOk("http://127.0.0.1:" + port + "/health", Duration.ofSeconds(30));
      await().atMost(Duration.ofSeconds(30)).until(() -> stack.output().contains("Stack up"));

      HttpResponse<String> created = StackProcess.postJson("http://127.0.0.1:" + port + "/user",
        "{\"name\": \"foo\", \"email\": \"foo-" + schema + "@example.com\"}");

      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(created.body()).contains("\"name\":\"foo\"");
      assertThat(StackProcess.get("http://127.0.0.1:" + port + "/ping").body()).isEqualTo("{\"response\":\"pong\"}");

      assertThat(stack.terminate(Duration.ofSeconds(20))).isIn(0, 143);
      assertThat(stack.output()).contains("Shut down cleanly");
    }
  }

  @Test
  @DisplayName("An unknown role is refused with a message naming the roles")
  void refusesUnknownRoles() throws Exception {
    try (StackProcess stack = StackProcess.start("unknown-role", Map.of(), "nope")) {
      assertThat(stack.process.waitFor()).isEqualTo(1);
      assertThat(stack.output()).contains("Unknown role 'nope'");
    }
  }
}
