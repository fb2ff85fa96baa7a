package io.microservicestack.stack;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("Zero install: the jar with no server configured")
class EmbeddedModeIT {

  @Test
  @DisplayName("starts PostgreSQL, Redis and an AMQP broker embedded, and a user created through the gateway gets its slack message and websocket frame")
  void runsWithEmbeddedServers() throws Exception {
    List<String> servers = List.of("PG_URI", "REDIS_URI", "AMQP_URI", "PG_DATA_DIR");
    try (StackProcess stack = StackProcess.onFreePorts(3, ports -> {
      Map<String, String> env = Map.of(
        "GATEWAY_HTTP_PORT", String.valueOf(ports[0]),
        "USER_HTTP_PORT", String.valueOf(ports[1]), "USER_SERVICE_PORT", String.valueOf(ports[1]),
        "SLACK_HTTP_PORT", String.valueOf(ports[2]), "SLACK_SERVICE_PORT", String.valueOf(ports[2]), "USER_QUEUE_HTTP_PORT", "0");
      return StackProcess.startWith("embedded-mode", env, servers).awaitHealthy("GATEWAY_HTTP_PORT", Duration.ofSeconds(120));
    })) {
      String gateway = stack.url("GATEWAY_HTTP_PORT");
      await("the ready line in the log").atMost(Duration.ofSeconds(30)).until(() -> stack.output().contains(StackProcess.READY_LINE));
      assertThat(stack.output()).contains("Embedded PostgreSQL").contains("Embedded Redis").contains("Embedded Qpid");

      List<String> frames = new CopyOnWriteArrayList<>();
      WebSocket socket = StackProcess.liveFeed(gateway, frames);
      String email = "embedded-" + UUID.randomUUID() + "@example.com";

      HttpResponse<String> created = StackProcess.postJson(gateway + "/user", "{\"name\": \"zero\", \"email\": \"" + email + "\"}");

      assertThat(created.statusCode()).isEqualTo(201);
      await("the new user's websocket frame").atMost(Duration.ofSeconds(15)).until(() -> frames.stream().anyMatch(f -> f.contains(email)));
      await("the new user's slack message").atMost(Duration.ofSeconds(15)).until(() ->
        StackProcess.get(gateway + "/messages?channel=%23user").body().contains("User " + email + " created"));
      socket.abort();
      assertThat(stack.terminate(Duration.ofSeconds(30))).isIn(0, 143);
      assertThat(stack.output()).contains("Shut down cleanly");
    }
  }
}
