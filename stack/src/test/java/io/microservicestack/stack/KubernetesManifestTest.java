package io.microservicestack.stack;

import io.microservicestack.common.ServiceHttp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes deployment ({@code deploy/k8s}), as {@code kubectl kustomize} renders the demo overlay: every
 * setting it sets is one the launcher reads, the probes are the health endpoints, and images, ports and names agree
 * with {@code compose/Dockerfile} and {@code compose/docker-compose.yml}. (Schema validity: {@code deploy/k8s/check}.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The Kubernetes deployment")
class KubernetesManifestTest {

  private static final Path K8S = Path.of("..", "deploy", "k8s");
  private static final Path COMPOSE = Path.of("..", "compose");
  /**
   * Settings the manifests set that other work in progress adds to {@link Setting} (the user-queue role's HTTP port,
   * the gateway's JWT keys); remove a name here once {@code StackConfig.knownNames()} has it.
   */
  private static final Set<String> PENDING_SETTINGS = Set.of();
  /** Each role's HTTP port setting. */
  private static final Map<String, String> PORT_SETTING = Map.of("gateway", "GATEWAY_HTTP_PORT", "user", "USER_HTTP_PORT",
    "slack", "SLACK_HTTP_PORT", "user-queue", "USER_QUEUE_HTTP_PORT");
  /** How long the launcher waits for a graceful shutdown after SIGTERM (StackMain). */
  private static final int LAUNCHER_SHUTDOWN_SECONDS = 20;

  private List<Map<String, Object>> objects;
  private Map<String, Object> compose;

  @BeforeAll
  @SuppressWarnings("unchecked")
  void render() throws Exception {
    String rendered = kustomize(K8S.resolve("overlays").resolve("demo"));
    objects = new ArrayList<>();
    for (Object document : new Yaml().loadAll(rendered)) {
      if (document != null) {
        objects.add((Map<String, Object>) document);
      }
    }
    compose = new Yaml().load(Files.readString(COMPOSE.resolve("docker-compose.yml")));
  }

  /** {@code kubectl kustomize dir}; without kubectl the tests are skipped on a developer machine, and fail on CI. */
  private static String kustomize(Path dir) throws Exception {
    String install = "kubectl is missing: install kubectl 1.32 (https://kubernetes.io/docs/tasks/tools/; it is not a "
      + "Debian package), or put it on PATH";
    Process process;
    try {
      process = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(false).start();
    } catch (IOException missing) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(install, missing);
      }
      Assumptions.abort(install);
      throw missing;
    }
    byte[] out = process.getInputStream().readAllBytes();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize finished").isTrue();
    assertThat(process.exitValue()).as("kubectl kustomize " + dir + ": " + err).isZero();
    return new String(out, StandardCharsets.UTF_8);
  }

  private List<Map<String, Object>> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
  }

  private Map<String, Object> named(String kind, String name) {
    return ofKind(kind).stream().filter(o -> name.equals(name(o))).findFirst()
      .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  /** The object of {@code kind} whose name is {@code prefix} plus kustomize's hash suffix. */
  private Map<String, Object> generated(String kind, String prefix) {
    return ofKind(kind).stream().filter(o -> name(o).matches(Pattern.quote(prefix) + "-[a-z0-9]{10}")).findFirst()
      .orElseThrow(() -> new AssertionError("no " + kind + " " + prefix));
  }

  private static String name(Map<String, Object> object) {
    return (String) map(object, "metadata").get("name");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String... path) {
    Map<String, Object> current = parent;
    for (String key : path) {
      current = (Map<String, Object>) current.get(key);
      assertThat(current).as(String.join(".", path)).isNotNull();
    }
    return current;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
    return (List<Map<String, Object>>) parent.getOrDefault(key, List.of());
  }

  /** The stack's Deployments by role (the one container's first argument). */
  private Map<String, Map<String, Object>> roles() {
    Map<String, Map<String, Object>> roles = new LinkedHashMap<>();
    for (Map<String, Object> deployment : ofKind("Deployment")) {
      roles.put(name(deployment), deployment);
    }
    return roles;
  }

  private static Map<String, Object> podSpec(Map<String, Object> deployment) {
    return map(deployment, "spec", "template", "spec");
  }

  private static Map<String, Object> container(Map<String, Object> deployment) {
    List<Map<String, Object>> containers = list(podSpec(deployment), "containers");
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  private static int containerPort(Map<String, Object> container, String portName) {
    return list(container, "ports").stream().filter(p -> portName.equals(p.get("name")))
      .map(p -> (Integer) p.get("containerPort")).findFirst().orElseThrow(() -> new AssertionError("no port " + portName));
  }

  @SuppressWarnings("unchecked")
  private Map<String, String> settings() {
    Map<String, String> data = new LinkedHashMap<>();
    ((Map<String, Object>) generated("ConfigMap", "stack-settings").get("data")).forEach((k, v) -> data.put(k, String.valueOf(v)));
    return data;
  }

  private static boolean known(String name) {
    return StackConfig.knownNames().contains(name) || PENDING_SETTINGS.contains(name);
  }

  @Test
  @DisplayName("Sets only settings the launcher reads, in the ConfigMap, the Secret and each role's environment")
  @SuppressWarnings("unchecked")
  void setsOnlyKnownSettings() {
    assertThat(settings().keySet()).isNotEmpty().allSatisfy(key -> assertThat(known(key)).as(key).isTrue());
    assertThat(((Map<String, Object>) generated("Secret", "stack-secrets").get("data")).keySet())
      .allSatisfy(key -> assertThat(known(key)).as(key).isTrue());
    roles().forEach((role, deployment) -> assertThat(list(container(deployment), "env"))
      .allSatisfy(env -> assertThat(known((String) env.get("name"))).as(role + " " + env.get("name")).isTrue()));
  }

  @Test
  @DisplayName("Runs the four roles of the compose image, one Deployment each, clustered, named as in compose")
  @SuppressWarnings("unchecked")
  void runsEveryRoleOfTheComposeImage() {
    Map<String, Object> services = (Map<String, Object>) compose.get("services");
    String composeImage = (String) ((Map<String, Object>) services.get("gateway")).get("image");
    List<String> roles = new ArrayList<>();
    roles().forEach((name, deployment) -> {
      Map<String, Object> container = container(deployment);
      assertThat(container.get("image")).as(name).isEqualTo(composeImage);
      List<String> args = (List<String>) container.get("args");
      assertThat(args).as(name).contains(CommandLine.CLUSTER_FLAG);
      CommandLine launch = CommandLine.parse(args.toArray(String[]::new), Map.of());
      assertThat(launch.roles()).as(name).hasSize(1);
      String role = launch.roles().iterator().next().roleName();
      assertThat(name).as("the Deployment of role " + role).isEqualTo(role);
      assertThat(services).as("compose has a service named " + role).containsKey(role);
      roles.add(role);
    });
    assertThat(roles).containsExactlyInAnyOrder(Arrays.stream(Role.values()).map(Role::roleName).toArray(String[]::new));
  }

  @Test
  @DisplayName("Probes /health/live (startup, liveness) and /health/ready (readiness) on each role's HTTP port, the port its setting and compose give")
  @SuppressWarnings("unchecked")
  void probesAndPortsAgree() {
    Map<String, String> settings = settings();
    Map<String, Object> services = (Map<String, Object>) compose.get("services");
    roles().forEach((role, deployment) -> {
      Map<String, Object> container = container(deployment);
      int http = containerPort(container, "http");
      assertThat(String.valueOf(http)).as(role).isEqualTo(settings.get(PORT_SETTING.get(role)));
      Map<String, Object> composeEnv = (Map<String, Object>) ((Map<String, Object>) services.get(role)).getOrDefault("environment", Map.of());
      if (composeEnv.containsKey(PORT_SETTING.get(role))) {
        assertThat(composeEnv.get(PORT_SETTING.get(role))).as(role + " in compose").isEqualTo(String.valueOf(http));
      }
      for (String[] probe : new String[][] {{"startupProbe", "/health/live"}, {"livenessProbe", "/health/live"}, {"readinessProbe", "/health/ready"}}) {
        Map<String, Object> get = map(container, probe[0], "httpGet");
        assertThat(get.get("path")).as(role + " " + probe[0]).isEqualTo(probe[1]);
        assertThat(get.get("port")).as(role + " " + probe[0]).isIn("http", http);
      }
      Map<String, Object> annotations = map(deployment, "spec", "template", "metadata", "annotations");
      assertThat(annotations).as(role).containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", String.valueOf(http)).containsEntry("prometheus.io/path", "/metrics");
      Map<String, Object> service = named("Service", role);
      assertThat(list(map(service, "spec"), "ports")).as("Service " + role)
        .anySatisfy(p -> assertThat(p.get("port")).isEqualTo(http));
      assertThat(containerPort(container, "hazelcast")).isEqualTo(Integer.parseInt(settings.get("CLUSTER_PORT")));
      assertThat(containerPort(container, "event-bus")).isEqualTo(Integer.parseInt(settings.get("CLUSTER_BUS_PORT")));
    });
    assertThat(settings.get("USER_SERVICE_HOST")).isEqualTo(name(named("Service", "user")));
    assertThat(settings.get("USER_SERVICE_PORT")).isEqualTo(settings.get("USER_HTTP_PORT"));
    assertThat(settings.get("SLACK_SERVICE_HOST")).isEqualTo(name(named("Service", "slack")));
    assertThat(settings.get("SLACK_SERVICE_PORT")).isEqualTo(settings.get("SLACK_HTTP_PORT"));
  }

  @Test
  @DisplayName("Exposes in the image every port the pods use, and runs them as the image's user, locked down")
  void imageAndPodsAgree() throws Exception {
    String dockerfile = Files.readString(COMPOSE.resolve("Dockerfile"));
    Matcher uid = Pattern.compile("useradd [^\\n]*--uid (\\d+)").matcher(dockerfile);
    assertThat(uid.find()).as("the Dockerfile creates its user with a fixed uid").isTrue();
    Matcher expose = Pattern.compile("(?m)^EXPOSE (.+)$").matcher(dockerfile);
    assertThat(expose.find()).isTrue();
    List<String> exposed = List.of(expose.group(1).trim().split("\\s+"));
    roles().forEach((role, deployment) -> {
      Map<String, Object> pod = podSpec(deployment);
      assertThat(map(pod, "securityContext")).as(role).containsEntry("runAsNonRoot", true)
        .containsEntry("runAsUser", Integer.parseInt(uid.group(1)));
      assertThat(pod).as(role).containsEntry("automountServiceAccountToken", false).containsEntry("enableServiceLinks", false);
      Map<String, Object> container = container(deployment);
      assertThat(map(container, "securityContext")).as(role).containsEntry("readOnlyRootFilesystem", true)
        .containsEntry("allowPrivilegeEscalation", false);
      assertThat(list(container, "volumeMounts")).as(role + ": a writable /tmp")
        .anySatisfy(m -> assertThat(m.get("mountPath")).isEqualTo("/tmp"));
      assertThat(list(container, "ports")).allSatisfy(p -> assertThat(exposed).as(role).contains(String.valueOf(p.get("containerPort"))));
    });
  }

  @Test
  @DisplayName("Gives each pod time for the preStop pause and the launcher's graceful shutdown before it is killed")
  @SuppressWarnings("unchecked")
  void stopsGracefully() {
    roles().forEach((role, deployment) -> {
      List<String> preStop = (List<String>) map(container(deployment), "lifecycle", "preStop", "exec").get("command");
      assertThat(preStop).as(role).hasSize(2).startsWith("sleep");
      int pause = Integer.parseInt(preStop.get(1));
      int grace = (Integer) podSpec(deployment).get("terminationGracePeriodSeconds");
      assertThat(LAUNCHER_SHUTDOWN_SECONDS).isGreaterThan((int) ServiceHttp.SHUTDOWN_GRACE_SECONDS);
      assertThat(grace).as(role).isGreaterThan(pause + LAUNCHER_SHUTDOWN_SECONDS);
    });
  }

  @Test
  @DisplayName("Discovers the members through a headless Service that selects every role's pods, ready or not, on the cluster ports")
  @SuppressWarnings("unchecked")
  void headlessServiceFindsEveryMember() {
    Map<String, String> settings = settings();
    assertThat(settings).containsEntry("CLUSTER_DISCOVERY", "kubernetes").containsEntry("CLUSTER_K8S_MODE", "dns");
    Map<String, Object> spec = map(named("Service", settings.get("CLUSTER_K8S_SERVICE_DNS").split("\\.")[0]), "spec");
    assertThat(spec).containsEntry("clusterIP", "None").containsEntry("publishNotReadyAddresses", true);
    assertThat(list(spec, "ports")).extracting(p -> p.get("port")).contains(
      Integer.parseInt(settings.get("CLUSTER_PORT")), Integer.parseInt(settings.get("CLUSTER_BUS_PORT")));
    Map<String, Object> selector = (Map<String, Object>) spec.get("selector");
    roles().forEach((role, deployment) -> {
      assertThat(map(deployment, "spec", "template", "metadata", "labels")).as(role).containsAllEntriesOf(selector);
      assertThat(list(container(deployment), "env")).as(role + " advertises its pod IP")
        .filteredOn(env -> Set.of("CLUSTER_INTERFACE", "CLUSTER_HOST", "CLUSTER_PUBLIC_HOST").contains(env.get("name")))
        .hasSize(3).allSatisfy(env -> assertThat(map(env, "valueFrom", "fieldRef").get("fieldPath")).isEqualTo("status.podIP"));
    });
  }

  @Test
  @DisplayName("Routes the gateway's websocket feed through the Ingress, and nothing to /metrics")
  void ingressRoutesThePublicApiOnly() {
    List<Map<String, Object>> ingresses = ofKind("Ingress");
    assertThat(ingresses).hasSize(1);
    List<Map<String, Object>> paths = new ArrayList<>();
    for (Map<String, Object> rule : list(map(ingresses.get(0), "spec"), "rules")) {
      paths.addAll(list(map(rule, "http"), "paths"));
    }
    assertThat(paths).allSatisfy(p -> assertThat(map(p, "backend", "service").get("name")).isEqualTo("gateway"));
    assertThat(paths).anySatisfy(p -> assertThat(routes(p, "/ws/users")).isTrue());
    assertThat(paths).noneSatisfy(p -> assertThat(routes(p, "/metrics")).isTrue());
  }

  /** Whether an Ingress path sends {@code uri} to its backend (Exact, or Prefix by whole path segments). */
  private static boolean routes(Map<String, Object> path, String uri) {
    String p = (String) path.get("path");
    if ("Exact".equals(path.get("pathType"))) {
      return p.equals(uri);
    }
    String prefix = p.endsWith("/") ? p : p + "/";
    return uri.equals(p) || uri.startsWith(prefix);
  }

  @Test
  @DisplayName("Keeps the gateway and user roles available through disruptions and scales them on CPU")
  void scalesTheStatelessRoles() {
    for (String role : List.of("gateway", "user")) {
      Map<String, Object> pdb = named("PodDisruptionBudget", role);
      assertThat(map(pdb, "spec", "selector", "matchLabels")).isEqualTo(map(roles().get(role), "spec", "selector", "matchLabels"));
      Map<String, Object> hpa = map(named("HorizontalPodAutoscaler", role), "spec");
      assertThat(map(hpa, "scaleTargetRef")).containsEntry("kind", "Deployment").containsEntry("name", role);
      assertThat((Integer) hpa.get("minReplicas")).isGreaterThanOrEqualTo(2);
      assertThat(list(hpa, "metrics")).anySatisfy(m -> assertThat(map(m, "resource").get("name")).isEqualTo("cpu"));
      assertThat(map(roles().get(role), "spec")).as(role + ": replicas left to the autoscaler").doesNotContainKey("replicas");
    }
    assertThat(Objects.requireNonNull(ofKind("StatefulSet"))).extracting(KubernetesManifestTest::name)
      .containsExactlyInAnyOrder("postgres", "redis", "rabbitmq");
  }
}
