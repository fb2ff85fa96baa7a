package io.microservicestack.stack;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The distributed stack: the four roles as separate JVMs from the built jar, joined over a Hazelcast-clustered
 * event bus on 127.0.0.1 (standing in for containers), with the machine's PostgreSQL, Redis and RabbitMQ.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("The stack, one JVM per role over a clustered event bus")
class ClusterIT {

  private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private final Map<String, String> env = new HashMap<>();
  private final List<StackProcess> processes = new ArrayList<>();
  private StackProcess user;
  private String gateway;
  private int userPort;

  @BeforeAll
  void startTheRoles() throws Exception {
    userPort = StackProcess.freePort();
    int slackPort = StackProcess.freePort();
    int gatewayPort = StackProcess.freePort();
    gateway = "http://127.0.0.1:" + gatewayPort;
    env.putAll(Map.of(
      "CLUSTER_NAME", "it-" + run,
      "PG_SCHEMA", "cluster_it_" + run,
      "EVENTS_EXCHANGE", "it.events." + run,
      "SLACK_QUEUE", "it.slack." + run,
      "USER_QUEUE", "it.user." + run,
      "REDIS_KEY_PREFIX", "it:" + run + ":"));
    env.putAll(Map.of(
      "USER_HTTP_PORT", String.valueOf(userPort),
      "SLACK_HTTP_PORT", String.valueOf(slackPort),
      "GATEWAY_HTTP_PORT", String.valueOf(gatewayPort),
      "USER_SERVICE_PORT", String.valueOf(userPort),
      "SLACK_SERVICE_PORT", String.valueOf(slackPort)));
    user = start("user", "user");
    StackProcess slack = start("slack", "slack");
    StackProcess gatewayJvm = start("gateway", "gateway");
    start("user-queue", "user-queue");
    user.awaitOk("http://127.0.0.1:" + userPort + "/health", Duration.ofSeconds(60));
    slack.awaitOk("http://127.0.0.1:" + slackPort + "/health", Duration.ofSeconds(60));
    gatewayJvm.awaitOk(gateway + "/health", Duration.ofSeconds(60));
  }

  private StackProcess start(String name, String role, Map<String, String> extra) throws Exception {
    Map<String, String> processEnv = new HashMap<>(env);
    processEnv.putAll(extra);
    StackProcess process = StackProcess.start("cluster-" + name, processEnv, role, "--cluster");
    processes.add(process);
    return process;
  }

  private StackProcess start(String name, String role) throws Exception {
    return start(name, role, Map.of());
  }

  @AfterAll
  void killEverything() throws Exception {
    for (StackProcess process : processes) {
      process.close();
    }
  }

  /**
   * Starts another gateway JVM and returns its URL. A port found free can be taken by one of the many loopback
   * connections of this test before the JVM binds it, so a bind failure is retried on another port.
   */
  private String startSecondGateway() throws Exception {
    for (int attempt = 1; ; attempt++) {
      int port = StackProcess.freePort();
      StackProcess gatewayJvm = start("gateway-" + attempt, "gateway", Map.of("GATEWAY_HTTP_PORT", String.valueOf(port)));
      try {
        gatewayJvm.awaitOk("http://127.0.0.1:" + port + "/health", Duration.ofSeconds(60));
        return "http://127.0.0.1:" + port;
      } catch (AssertionError e) {
        if (attempt == 3 || !gatewayJvm.output().contains("Address already in use")) {
          throw e;
        }
      }
    }
  }

  private static long idOf(String userJson) {
    return Long.parseLong(userJson.replaceAll(".*\"id\":(\\d+).*", "$1"));
  }

  @Test
  @Order(1)
  @DisplayName("A user created through the gateway is readable over RPC, gets its slack message and its websocket frame")
  void wholeFlow() throws Exception {
    List<String> frames = new CopyOnWriteArrayList<>();
    WebSocket socket = StackProcess.liveFeed(gateway, frames);
    String email = "cluster-" + run + "@example.com";

    HttpResponse<String> created = StackProcess.postJson(gateway + "/user", "{\"name\": \"clustered\", \"email\": \"" + email + "\"}");

    assertThat(created.statusCode()).isEqualTo(201);
    long id = idOf(created.body());
    HttpResponse<String> found = StackProcess.get(gateway + "/users/" + id);
    assertThat(found.statusCode()).isEqualTo(200);
    assertThat(found.body()).contains(email);
    await().atMost(Duration.ofSeconds(15)).until(() ->
      StackProcess.get(gateway + "/messages?channel=%23user&limit=100").body().contains("User " + email + " created"));
    await().atMost(Duration.ofSeconds(15)).until(() -> frames.stream().anyMatch(f -> f.contains(email)));
    socket.abort();
  }

  @Test
  @Order(2)
  @DisplayName("When the user JVM is killed the gateway reports it down within 5 s and answers its RPC routes 503 at once; a new one makes all green again")
  void survivesTheUserServiceDying() throws Exception {
    String id = String.valueOf(idOf(StackProcess.postJson(gateway + "/user",
      "{\"name\": \"before\", \"email\": \"before-" + run + "@example.com\"}").body()));

    user.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

    long killed = System.nanoTime();
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
      HttpResponse<String> health = StackProcess.get(gateway + "/health");
      return health.statusCode() == 503 && health.body().contains("\"user\"") && health.body().contains("error");
    });
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
      .until(() -> StackProcess.get(gateway + "/users/" + id).statusCode() == 503);
    long started = System.nanoTime();
    assertThat(StackProcess.get(gateway + "/users/" + id).statusCode()).isEqualTo(503);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("answered at once").isLessThan(500);
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killed)).isLessThan(15);

    user = start("user-again", "user");
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
      StackProcess.get(gateway + "/health").statusCode() == 200 && StackProcess.get(gateway + "/users/" + id).statusCode() == 200);
  }

  @Test
  @Order(3)
  @DisplayName("With two user JVMs, RPC keeps answering while one of them is killed")
  void rpcSurvivesOneOfTwoUserJvms() throws Exception {
    String id = String.valueOf(idOf(StackProcess.postJson(gateway + "/user",
      "{\"name\": \"twin\", \"email\": \"twin-" + run + "@example.com\"}").body()));
    StackProcess second = start("user-second", "user", Map.of("USER_HTTP_PORT", String.valueOf(StackProcess.freePort())));
    await().atMost(Duration.ofSeconds(60)).until(() -> second.output().contains("Stack up"));

    second.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

    // Every request in the next seconds, while the cluster notices the loss, is still answered.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
    int requests = 0;
    while (System.nanoTime() < until) {
      assertThat(StackProcess.get(gateway + "/users/" + id).statusCode()).as("request " + requests).isEqualTo(200);
      requests++;
    }
    assertThat(requests).isGreaterThan(10);
  }

  @Test
  @Order(4)
  @DisplayName("With two gateway JVMs, the websocket clients of each get every created user")
  void everyGatewayGetsEveryEvent() throws Exception {
    String second = startSecondGateway();
    List<String> firstFrames = new CopyOnWriteArrayList<>();
    List<String> secondFrames = new CopyOnWriteArrayList<>();
    WebSocket firstSocket = StackProcess.liveFeed(gateway, firstFrames);
    WebSocket secondSocket = StackProcess.liveFeed(second, secondFrames);
    String email = "fanout-" + run + "@example.com";

    assertThat(StackProcess.postJson(gateway + "/user", "{\"name\": \"both\", \"email\": \"" + email + "\"}").statusCode())
      .isEqualTo(201);

    await().atMost(Duration.ofSeconds(10)).until(() -> firstFrames.stream().anyMatch(f -> f.contains(email)));
    await().atMost(Duration.ofSeconds(10)).until(() -> secondFrames.stream().anyMatch(f -> f.contains(email)));
    firstSocket.abort();
    secondSocket.abort();
  }

  @Test
  @Order(5)
  @DisplayName("On SIGTERM a role leaves the cluster gracefully: it shuts down cleanly and the others keep serving")
  void leavesGracefully() throws Exception {
    StackProcess queue = processes.stream().filter(p -> p.log.toString().contains("cluster-user-queue")).findFirst().orElseThrow();

    assertThat(queue.terminate(Duration.ofSeconds(30))).isIn(0, 143);

    assertThat(queue.output()).contains("Shut down cleanly");
    assertThat(StackProcess.get(gateway + "/health").statusCode()).isEqualTo(200);
  }
}
