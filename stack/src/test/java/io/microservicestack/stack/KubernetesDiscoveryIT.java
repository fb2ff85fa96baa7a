package io.microservicestack.stack;

import io.microservicestack.common.testing.TestInfrastructure;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code CLUSTER_DISCOVERY=kubernetes} in DNS mode without a Kubernetes cluster: two JVMs stand in for two pods,
 * one on 127.0.0.1 and one on 127.0.0.2, and the "headless Service" name resolves to both through a hosts file of
 * this test's own ({@code -Djdk.net.hosts.file}), as the cluster DNS resolves a headless Service to its pods.
 * Hazelcast binds only the pod's address ({@code hazelcast.local.localAddress}, {@code hazelcast.socket.bind.any=false}),
 * so both members use the same CLUSTER_PORT, as pods do.
 */
@DisplayName("Kubernetes discovery, DNS mode")
class KubernetesDiscoveryIT {

  private static final String USER_POD = "127.0.0.1";
  private static final String GATEWAY_POD = "127.0.0.2";

  /** The run's names (schema, queues, exchange), deleted after it ({@link TestInfrastructure#deleteRun}). */
  private final String run = "k8s_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private final List<StackProcess> processes = new ArrayList<>();

  @AfterEach
  void killEverything() throws Exception {
    for (StackProcess process : processes) {
      process.close();
    }
    TestInfrastructure.deleteRun(run);
  }

  @Test
  @DisplayName("A user JVM and a gateway JVM find each other through the Service's DNS name; GET /users/{id} on the gateway is answered by the user JVM over the clustered event bus")
  void podsFindEachOtherThroughDns() throws Exception {
    assumeSecondLoopbackAddress();
    String serviceDns = "stack-cluster-" + run + ".it.svc.cluster.local";
    Path hosts = Path.of("target", "it-logs", "k8s-dns-" + run + ".hosts");
    Files.createDirectories(hosts.getParent());
    // Each pod's own name first: a reverse lookup takes the first line of an address, and Hazelcast would count
    // every address of the Service's name as its own if that were the name of its address (pods have their own).
    Files.writeString(hosts, USER_POD + " localhost " + InetAddress.getLocalHost().getHostName() + " user-pod.it\n"
      + GATEWAY_POD + " gateway-pod.it\n"
      + USER_POD + " " + serviceDns + "\n"
      + GATEWAY_POD + " " + serviceDns + "\n");
    List<String> jvmOptions = List.of("-Djdk.net.hosts.file=" + hosts.toAbsolutePath(), "-Dhazelcast.socket.bind.any=false");

    Pods pods = startPods(serviceDns, jvmOptions);
    String email = "k8s-" + run + "@example.com";

    HttpResponse<String> found;
    try {
      HttpResponse<String> created = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(
        () -> StackProcess.postJson(pods.gateway + "/user", "{\"name\": \"pod\", \"email\": \"" + email + "\"}"),
        response -> response.statusCode() == 201);
      String id = created.body().replaceAll(".*\"id\":(\\d+).*", "$1");
      found = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(
        () -> StackProcess.get(pods.gateway + "/users/" + id), response -> response.statusCode() == 200);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\nuser JVM:\n" + pods.user.output() + "\ngateway JVM:\n"
        + pods.gatewayJvm.output(), e);
    }

    assertThat(found.body()).contains(email);
    assertThat(pods.user.output() + pods.gatewayJvm.output()).doesNotContain("Could not find any service for serviceDns");
  }

  private record Pods(StackProcess user, StackProcess gatewayJvm, String gateway) {
  }

  /**
   * Starts the two JVMs on ports found free; a port can be taken by another process before the JVM binds it, so a
   * start that fails on a taken port is retried on other ports.
   */
  private Pods startPods(String serviceDns, List<String> jvmOptions) throws Exception {
    for (int attempt = 1; ; attempt++) {
      int clusterPort = freePortOnBoth();
      int userPort = StackProcess.freePort();
      int gatewayPort = StackProcess.freePort();
      Map<String, String> env = new HashMap<>(Map.of(
        "CLUSTER_NAME", "it-k8s-" + run,
        "CLUSTER_DISCOVERY", "kubernetes",
        "CLUSTER_K8S_SERVICE_DNS", serviceDns,
        "CLUSTER_PORT", String.valueOf(clusterPort),
        "PG_SCHEMA", run,
        "EVENTS_EXCHANGE", run + ".events",
        "SLACK_QUEUE", run + ".slack",
        "USER_QUEUE", run + ".user",
        "USER_HTTP_PORT", String.valueOf(userPort)));
      env.putAll(Map.of(
        "GATEWAY_HTTP_PORT", String.valueOf(gatewayPort),
        "USER_SERVICE_PORT", String.valueOf(userPort)));
      StackProcess user = start("k8s-user-" + attempt, env, USER_POD, jvmOptions, "user");
      StackProcess gateway = start("k8s-gateway-" + attempt, env, GATEWAY_POD, jvmOptions, "gateway");
      try {
        await().atMost(Duration.ofSeconds(90)).until(() -> upOrExited(user) && upOrExited(gateway));
        assertUp(user);
        assertUp(gateway);
        return new Pods(user, gateway, "http://127.0.0.1:" + gatewayPort);
      } catch (AssertionError e) {
        boolean portTaken = user.output().contains("already in use") || gateway.output().contains("already in use")
          || user.output().contains("BindException") || gateway.output().contains("BindException");
        if (attempt == 3 || !portTaken) {
          throw e;
        }
        user.close();
        gateway.close();
      }
    }
  }

  private StackProcess start(String name, Map<String, String> env, String podAddress, List<String> jvmOptions,
                             String role) throws Exception {
    Map<String, String> pod = new HashMap<>(env);
    // A pod's address is on one of its interfaces, 127.0.0.2 is on none: Hazelcast takes it from a property instead.
    pod.put("CLUSTER_INTERFACE", "any");
    pod.put("CLUSTER_HOST", podAddress);
    pod.put("CLUSTER_PUBLIC_HOST", podAddress);
    Map<String, String> withServers = new HashMap<>(Map.of(
      "PG_URI", TestInfrastructure.pgUri(), "REDIS_URI", TestInfrastructure.redisUri(), "AMQP_URI", TestInfrastructure.amqpUri()));
    withServers.putAll(pod);
    List<String> options = new ArrayList<>(jvmOptions);
    options.add("-Dhazelcast.local.localAddress=" + podAddress);
    StackProcess process = StackProcess.startWith(name, withServers, List.of(), options, role, "--cluster");
    processes.add(process);
    return process;
  }

  private static boolean upOrExited(StackProcess process) throws IOException {
    return !process.process.isAlive() || process.output().contains(StackProcess.READY_LINE);
  }

  private static void assertUp(StackProcess process) throws IOException {
    assertThat(process.process.isAlive()).as("alive; its log:\n" + process.output()).isTrue();
  }

  /** A port free on both pod addresses. */
  private static int freePortOnBoth() throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (ServerSocket first = new ServerSocket()) {
        first.bind(new InetSocketAddress(USER_POD, 0));
        try (ServerSocket second = new ServerSocket()) {
          second.bind(new InetSocketAddress(GATEWAY_POD, first.getLocalPort()));
          return first.getLocalPort();
        } catch (IOException takenOnTheOther) {
          // try another
        }
      }
    }
    throw new IOException("No port free on both " + USER_POD + " and " + GATEWAY_POD);
  }

  /** Linux answers all of 127/8 on the loopback; elsewhere (macOS) 127.0.0.2 needs an alias first. */
  private static void assumeSecondLoopbackAddress() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(GATEWAY_POD, 0));
    } catch (IOException e) {
      String message = GATEWAY_POD + " is not a local address here (" + e.getMessage() + "); on macOS: "
        + "sudo ifconfig lo0 alias " + GATEWAY_POD + " up";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(message, e);
      }
      Assumptions.abort(message);
    }
  }
}
