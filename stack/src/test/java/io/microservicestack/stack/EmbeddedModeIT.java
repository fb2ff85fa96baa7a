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
    int gatewayPort = StackProcess.freePort();
    String userPort = String.valueOf(StackProcess.freePort());
    String slackPort = String.valueOf(StackProcess.freePort());
    Map<String, String> env = Map.of(
      "GATEWAY_HTTP_PORT", String.valueOf(gatewayPort),
      "USER_HTTP_PORT", userPort, "USER_SERVICE_PORT", userPort,
      "SLACK_HTTP_PORT", slackPort, "SLACK_SERVICE_PORT", slackPort, "USER_QUEUE_HTTP_PORT", "0");
    String gateway = "http://127.0.0.1:" + gatewayPort;
    List<String> servers = List.of("PG_URI", "REDIS_URI", "AMQP_URI", "PG_DATA_DIR");
    try (StackProcess stack = StackProcess.startWith("embedded-mode", env, servers)) {
      stack.awaitOk(gateway + "/health", Duration.ofSeconds(90));
      await().atMost(Duration.ofSeconds(30)).until(() -> stack.output().contains("Stack up"));
      assertThat(stack.output()).contains("Embedded PostgreSQL").contains("Embedded Redis").contains("Embedded Qpid");

      List<String> frames = new CopyOnWriteArrayList<>();
      WebSocket socket = StackProcess.liveFeed(gateway, frames);
      String email = "embedded-" + UUID.randomUUID() + "@example.com";

      HttpResponse<String> created = StackProcess.postJson(gateway + "/user", "{\"name\": \"zero\", \"email\": \"" + email + "\"}");

      assertThat(created.statusCode()).isEqualTo(201);
      await().atMost(Duration.ofSeconds(15)).until(() -> frames.stream().anyMatch(f -> f.contains(email)));
      await().atMost(Duration.ofSeconds(15)).until(() ->
        StackProcess.get(gateway + "/messages?channel=%23user").body().contains("User " + email + " created"));
      socket.abort();
      assertThat(stack.terminate(Duration.ofSeconds(30))).isIn(0, 143);
      assertThat(stack.output()).contains("Shut down cleanly");
    }
  }
}
