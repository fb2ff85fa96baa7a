package io.microservicestack.stack;

import io.microservicestack.common.testing.BridgeSocket;
import io.microservicestack.common.testing.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The distributed stack: the roles as separate JVMs from the built jar, joined over a Hazelcast-clustered event bus
 * on 127.0.0.1 (standing in for containers), with the machine's PostgreSQL, Redis and RabbitMQ.
 *
 * <p>The user, slack and gateway JVMs are started once for the class and are up and healthy before every test
 * ({@link #everyRoleHealthy()}). A test that needs more JVMs starts (and stops) its own; the one that kills the user
 * JVM starts its replacement itself, also when it fails. So the tests run in any order, and each on its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The stack, one JVM per role over a clustered event bus")
class ClusterIT {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final String run = TestInfrastructure.unique("cluster_it");
  private final Map<String, String> env = new HashMap<>();
  private final List<StackProcess> processes = new CopyOnWriteArrayList<>();
  private StackProcess user;
  private String gateway;

  @BeforeAll
  void startTheRoles() throws Exception {
    env.putAll(Map.of(
      "CLUSTER_NAME", run,
      "PG_SCHEMA", run,
      "EVENTS_EXCHANGE", run + ".events",
      "SLACK_QUEUE", run + ".slack",
      "USER_QUEUE", run + ".user",
      "REDIS_KEY_PREFIX", run + ":"));
    StackProcess.onFreePorts(3, ports -> {
      env.putAll(Map.of(
        "USER_HTTP_PORT", String.valueOf(ports[0]),
        "SLACK_HTTP_PORT", String.valueOf(ports[1]),
        "GATEWAY_HTTP_PORT", String.valueOf(ports[2]),
        "USER_SERVICE_PORT", String.valueOf(ports[0]),
        "SLACK_SERVICE_PORT", String.valueOf(ports[1])));
      List<StackProcess> roles = List.of(start("user", "user"), start("slack", "slack"), start("gateway", "gateway"));
      try {
        roles.get(0).awaitHealthy("USER_HTTP_PORT", START_TIMEOUT);
        roles.get(1).awaitHealthy("SLACK_HTTP_PORT", START_TIMEOUT);
        roles.get(2).awaitHealthy("GATEWAY_HTTP_PORT", START_TIMEOUT);
      } catch (Throwable e) {
        for (StackProcess role : roles) {
          role.close();
          processes.remove(role);
        }
        throw e;
      }
      user = roles.get(0);
      gateway = roles.get(2).url("GATEWAY_HTTP_PORT");
      return roles;
    });
  }

  /** The shared roles are up and the gateway sees them all: restarts the user JVM if a test left it dead. */
  @BeforeEach
  void everyRoleHealthy() throws Exception {
    if (!user.process.isAlive()) {
      restartUser("user-restarted");
    }
    await("the gateway reporting every service healthy")
      .atMost(START_TIMEOUT)
      .pollInterval(Duration.ofMillis(200))
      .ignoreExceptions()
      .until(() -> StackProcess.get(gateway + "/health").statusCode() == 200);
  }

  @AfterAll
  void killEverything() throws Exception {
    for (StackProcess process : processes) {
      process.close();
    }
    TestInfrastructure.deleteRun(run);
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

  /** A new shared user JVM on the port the gateway proxies to. */
  private void restartUser(String name) throws Exception {
    user = start(name, "user").awaitHealthy("USER_HTTP_PORT", START_TIMEOUT);
  }

  /** Another JVM of {@code role} on ports of its own (the HTTP port in {@code portVariable}), serving. */
  private StackProcess startAnother(String name, String role, String portVariable) throws Exception {
    int[] attempt = {0};
    return StackProcess.onFreePorts(1, ports -> {
      attempt[0]++;
      StackProcess process = start(name + "-" + attempt[0], role, Map.of(portVariable, String.valueOf(ports[0])));
      try {
        return process.awaitHealthy(portVariable, START_TIMEOUT);
      } finally {
        if (!process.process.isAlive()) {
          processes.remove(process);
        }
      }
    });
  }

  private String createUser(String name, String email) throws Exception {
    HttpResponse<String> created = StackProcess.postJson(gateway + "/user",
      "{\"name\": \"" + name + "\", \"email\": \"" + email + "\"}");
    assertThat(created.statusCode()).as("POST /user answered %s", created.body()).isEqualTo(201);
    return created.body().replaceAll(".*\"id\":(\\d+).*", "$1");
  }

  private String email(String who) {
    return who + "-" + TestInfrastructure.unique(run) + "@example.com";
  }

  @Test
  @DisplayName("A user created through the gateway is readable over RPC, gets its slack message and its websocket frame")
  void wholeFlow() throws Exception {
    List<String> frames = new CopyOnWriteArrayList<>();
    WebSocket socket = StackProcess.liveFeed(gateway, frames);
    String email = email("cluster");

    String id = createUser("clustered", email);

    HttpResponse<String> found = StackProcess.get(gateway + "/users/" + id);
    assertThat(found.statusCode()).isEqualTo(200);
    assertThat(found.body()).contains(email);
    await("the slack message of " + email).atMost(Duration.ofSeconds(15)).until(() ->
      StackProcess.get(gateway + "/messages?channel=%23user&limit=100").body().contains("User " + email + " created"));
    await("the websocket frame of " + email).atMost(Duration.ofSeconds(15)).until(() -> frames.stream().anyMatch(f -> f.contains(email)));
    socket.abort();
  }

  @Test
  @DisplayName("The event-bus bridge of a gateway JVM reaches the user JVM over the clustered bus: users.get answers a raw socket")
  void bridgeAcrossTheCluster() throws Exception {
    String email = email("bridged");
    long id = Long.parseLong(createUser("bridged", email));
    StackProcess bridged = StackProcess.onFreePorts(1, ports -> start("gateway-bridge", "gateway",
      Map.of("GATEWAY_HTTP_PORT", String.valueOf(ports[0]), "BRIDGE_PORT", "0")).awaitHealthy("GATEWAY_HTTP_PORT", START_TIMEOUT));
    try {
      java.util.regex.Pattern listening = java.util.regex.Pattern.compile("event-bus bridge listening on tcp://[^:]+:(\\d+)");
      int port = await("the bridge's port in the gateway's log").atMost(Duration.ofSeconds(30)).until(() -> {
        java.util.regex.Matcher found = listening.matcher(bridged.output());
        return found.find() ? Integer.parseInt(found.group(1)) : null;
      }, java.util.Objects::nonNull);

      try (BridgeSocket client = new BridgeSocket(port)) {
        client.write(new io.vertx.core.json.JsonObject().put("type", "send").put("address", "users.get").put("replyAddress", "r1")
          .put("body", new io.vertx.core.json.JsonObject().put("id", id)));
        io.vertx.core.json.JsonObject reply = client.read();

        assertThat(reply.getString("type")).as(reply.encode()).isEqualTo("message");
        assertThat(reply.getJsonObject("body").getString("email")).isEqualTo(email);
      }
    } finally {
      bridged.close();
    }
  }

  @Test
  @DisplayName("When the user JVM is killed the gateway reports it down and answers its RPC routes 503 (no consumer, not a timeout); a new one makes all green again")
  void survivesTheUserServiceDying() throws Exception {
    String id = createUser("before", email("before"));
    try {
      user.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

      await("the gateway's /health reporting the user service down")
        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
          HttpResponse<String> health = StackProcess.get(gateway + "/health");
          return health.statusCode() == 503 && health.body().contains("\"user\"") && health.body().contains("error");
        });
      // 503 says no users.get consumer is left; waiting for the RPC timeout would be a 504.
      await("GET /users/{id} answering 503 once the cluster has dropped the user JVM")
        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> StackProcess.get(gateway + "/users/" + id).statusCode() == 503);
      HttpResponse<String> again = StackProcess.get(gateway + "/users/" + id);
      assertThat(again.statusCode()).isEqualTo(503);
      assertThat(again.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    } finally {
      restartUser("user-again");
    }
    await("the gateway healthy again and GET /users/{id} answering 200 from the new user JVM")
      .atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() ->
        StackProcess.get(gateway + "/health").statusCode() == 200 && StackProcess.get(gateway + "/users/" + id).statusCode() == 200);
  }

  @Test
  @DisplayName("With two user JVMs, RPC keeps answering while one of them is killed")
  void rpcSurvivesOneOfTwoUserJvms() throws Exception {
    String id = createUser("twin", email("twin"));
    StackProcess second = startAnother("user-second", "user", "USER_HTTP_PORT");
    await("the second user JVM's ready line").atMost(Duration.ofSeconds(60)).until(() -> second.output().contains(StackProcess.READY_LINE));

    second.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

    // Every request while the cluster notices the loss (that takes seconds) is still answered: at least 10
    // requests, and for at least 8 s however slowly they go.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
    int requests = 0;
    while (requests < 10 || System.nanoTime() < until) {
      assertThat(StackProcess.get(gateway + "/users/" + id).statusCode()).as("request " + requests).isEqualTo(200);
      requests++;
    }
  }

  @Test
  @DisplayName("With two gateway JVMs, the websocket clients of each get every created user")
  void everyGatewayGetsEveryEvent() throws Exception {
    StackProcess secondGateway = startAnother("gateway-second", "gateway", "GATEWAY_HTTP_PORT");
    try {
      String second = secondGateway.url("GATEWAY_HTTP_PORT");
      List<String> firstFrames = new CopyOnWriteArrayList<>();
      List<String> secondFrames = new CopyOnWriteArrayList<>();
      WebSocket firstSocket = StackProcess.liveFeed(gateway, firstFrames);
      WebSocket secondSocket = StackProcess.liveFeed(second, secondFrames);
      String email = email("fanout");

      createUser("both", email);

      await("the frame of " + email + " on the first gateway").atMost(Duration.ofSeconds(15))
        .until(() -> firstFrames.stream().anyMatch(f -> f.contains(email)));
      await("the frame of " + email + " on the second gateway").atMost(Duration.ofSeconds(15))
        .until(() -> secondFrames.stream().anyMatch(f -> f.contains(email)));
      firstSocket.abort();
      secondSocket.abort();
    } finally {
      // SIGTERM: it leaves the cluster, rather than being a dead member the others take seconds to notice.
      secondGateway.terminate(Duration.ofSeconds(30));
    }
  }

  @Test
  @DisplayName("On SIGTERM a role leaves the cluster gracefully: it shuts down cleanly and the others keep serving")
  void leavesGracefully() throws Exception {
    StackProcess queue = start("user-queue", "user-queue");
    await("the user-queue JVM's ready line").atMost(START_TIMEOUT).until(() -> queue.output().contains(StackProcess.READY_LINE));

    assertThat(queue.terminate(Duration.ofSeconds(30))).isIn(0, 143);

    assertThat(queue.output()).contains("Shut down cleanly");
    assertThat(StackProcess.get(gateway + "/health").statusCode()).isEqualTo(200);
    assertThat(StackProcess.get(gateway + "/users?limit=1").statusCode()).isEqualTo(200);
  }
}
