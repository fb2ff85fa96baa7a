package io.microservicestack.stack;

import io.microservicestack.common.testing.Await;
import io.microservicestack.common.testing.TestInfrastructure;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("The stack jar, run as its own JVM")
class StackJarIT {

  @Test
  @DisplayName("java -jar stack.jar user serves the README's curl example and shuts down cleanly on SIGTERM")
  void runsTheUserRole() throws Exception {
    String schema = TestInfrastructure.unique("stack_it");
    try (StackProcess stack = StackProcess.onFreePorts(1, ports ->
      StackProcess.start("user-role", Map.of("USER_HTTP_PORT", String.valueOf(ports[0]), "PG_SCHEMA", schema), "user")
        .awaitHealthy("USER_HTTP_PORT", Duration.ofSeconds(60)))) {
      String user = stack.url("USER_HTTP_PORT");
      await("the ready line in the log").atMost(Duration.ofSeconds(30)).until(() -> stack.output().contains(StackProcess.READY_LINE));

      HttpResponse<String> created = StackProcess.postJson(user + "/user",
        "{\"name\": \"foo\", \"email\": \"foo-" + schema + "@example.com\"}");

      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(created.body()).contains("\"name\":\"foo\"");
      assertThat(StackProcess.get(user + "/ping").body()).isEqualTo("{\"response\":\"pong\"}");

      assertThat(stack.terminate(Duration.ofSeconds(20))).isIn(0, 143);
      assertThat(stack.output()).contains("Shut down cleanly");
    } finally {
      Vertx vertx = Vertx.vertx();
      try {
        Await.result(TestInfrastructure.dropSchema(vertx, schema), "dropping schema " + schema);
      } finally {
        vertx.close();
      }
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
