package io.microservicestack.stack;

import io.microservicestack.common.CommonSettings;
import io.microservicestack.gateway.GatewayConfig;
import io.microservicestack.slack.SlackConfig;
import io.microservicestack.user.UserConfig;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No Docker engine runs here, so the compose deployment is checked by reading it: every stack container runs a
 * real role, sets only settings the stack reads, publishes the ports it listens on, and names every clustered
 * service in its member list.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The compose deployment")
class ComposeFileTest {

  private static final Path COMPOSE = Path.of("..", "compose");
  private static final Set<String> INFRA = Set.of("postgres", "redis", "rabbitmq");
  private Map<String, Map<String, Object>> services;

  @BeforeAll
  @SuppressWarnings("unchecked")
  void read() throws Exception {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Map<String, Object> compose = new Yaml(options).load(Files.readString(COMPOSE.resolve("docker-compose.yml")));
    services = (Map<String, Map<String, Object>>) compose.get("services");
  }

  /** The containers that run stack.jar: those with a command and no image of their own other than the stack's. */
  private Map<String, Map<String, Object>> stackServices() {
    Map<String, Map<String, Object>> stack = new LinkedHashMap<>();
    services.forEach((name, service) -> {
      if ("microservice-stack:latest".equals(service.get("image"))) {
        stack.put(name, service);
      }
    });
    return stack;
  }

  @SuppressWarnings("unchecked")
  private static List<String> command(Map<String, Object> service) {
    return (List<String>) service.get("command");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> environment(Map<String, Object> service) {
    return (Map<String, Object>) service.getOrDefault("environment", Map.of());
  }

  private static StackConfig config(Map<String, Object> service) {
    Map<String, String> env = new LinkedHashMap<>();
    environment(service).forEach((k, v) -> env.put(k, String.valueOf(v)));
    return StackConfig.from(env);
  }

  @SuppressWarnings("unchecked")
  private static List<String> containerPorts(Map<String, Object> service) {
    return ((List<String>) service.getOrDefault("ports", List.of())).stream()
      .map(p -> p.substring(p.lastIndexOf(':') + 1)).toList();
  }

  @Test
  @DisplayName("Runs the four roles, each in its own container, clustered")
  void runsEveryRole() {
    List<String> roles = new ArrayList<>();
    stackServices().forEach((name, service) -> {
      List<String> command = command(service);
      assertThat(command).as(name).contains(CommandLine.CLUSTER_FLAG);
      CommandLine launch = CommandLine.parse(command.toArray(String[]::new), Map.of());
      assertThat(launch.roles()).as(name).hasSize(1);
      roles.add(launch.roles().iterator().next().roleName());
    });
    assertThat(roles).containsExactlyInAnyOrder(Arrays.stream(Role.values()).map(Role::roleName).toArray(String[]::new));
  }

  @Test
  @DisplayName("Sets only environment variables the stack reads")
  void setsOnlyKnownSettings() {
    stackServices().forEach((name, service) ->
      assertThat(environment(service).keySet()).as(name).allSatisfy(key -> assertThat(StackConfig.knownNames()).as(key).contains(key)));
  }

  @Test
  @DisplayName("Publishes each service on the port it listens on, and the gateway proxies to those ports")
  void portsAgree() {
    assertThat(containerPorts(services.get("user"))).containsExactly(config(services.get("user")).get(UserConfig.HTTP_PORT));
    assertThat(containerPorts(services.get("slack"))).containsExactly(config(services.get("slack")).get(SlackConfig.HTTP_PORT));
    StackConfig gateway = config(services.get("gateway"));
    assertThat(containerPorts(services.get("gateway"))).containsExactly(gateway.get(GatewayConfig.HTTP_PORT), gateway.get(GatewayConfig.BRIDGE_PORT));
    assertThat(gateway.get(GatewayConfig.USER_HOST)).isEqualTo("user");
    assertThat(gateway.get(GatewayConfig.USER_PORT)).isEqualTo(config(services.get("user")).get(UserConfig.HTTP_PORT));
    assertThat(gateway.get(GatewayConfig.SLACK_HOST)).isEqualTo("slack");
    assertThat(gateway.get(GatewayConfig.SLACK_PORT)).isEqualTo(config(services.get("slack")).get(SlackConfig.HTTP_PORT));
    assertThat(List.of("8100", "8101", "8102")).containsExactly(
      GatewayConfig.HTTP_PORT.defaultValue(), UserConfig.HTTP_PORT.defaultValue(), SlackConfig.HTTP_PORT.defaultValue());
  }

  @Test
  @DisplayName("Names every clustered service in the cluster member list, and lets Hazelcast pick the container's interface")
  void memberListNamesTheServices() {
    stackServices().forEach((name, service) -> {
      StackConfig config = config(service);
      Set<String> members = Arrays.stream(config.get(LauncherSettings.CLUSTER_MEMBERS).split(","))
        .map(String::trim).collect(Collectors.toSet());
      assertThat(members).as(name).isEqualTo(stackServices().keySet());
      assertThat(config.get(LauncherSettings.CLUSTER_INTERFACE)).as(name).isEqualTo("any");
    });
  }

  @Test
  @DisplayName("Points every service at the compose servers, which have healthchecks the services wait for")
  @SuppressWarnings("unchecked")
  void waitsForHealthyServers() {
    for (String server : INFRA) {
      assertThat(services.get(server)).as(server).containsKey("healthcheck");
    }
    stackServices().forEach((name, service) -> {
      StackConfig config = config(service);
      assertThat(config.get(UserConfig.PG_URI)).contains("@postgres:5432/");
      assertThat(config.get(CommonSettings.REDIS_URI)).isEqualTo("redis://redis:6379");
      assertThat(config.get(CommonSettings.AMQP_URI)).contains("@rabbitmq:5672");
      Map<String, Map<String, String>> dependsOn = (Map<String, Map<String, String>>) service.get("depends_on");
      assertThat(dependsOn).as(name).isNotEmpty();
      dependsOn.values().forEach(condition -> assertThat(condition.get("condition")).isEqualTo("service_healthy"));
    });
  }

  @Test
  @DisplayName("Builds one image in stages, runs it as a non-root user with an exec-form entrypoint, Hazelcast's JVM flags and huge methods compiled")
  void dockerfileIsSound() throws Exception {
    List<String> lines = Files.readAllLines(COMPOSE.resolve("Dockerfile"));
    assertThat(lines.stream().filter(l -> l.startsWith("FROM ")).count()).isGreaterThanOrEqualTo(2);
    assertThat(lines).anyMatch(l -> l.matches("USER \\w+") && !l.equals("USER root"));
    String dockerfile = String.join("\n", lines);
    String entrypoint = dockerfile.substring(dockerfile.indexOf("ENTRYPOINT"));
    assertThat(entrypoint).startsWith("ENTRYPOINT [\"java\"").contains("\"-jar\", \"/app/stack.jar\"");
    assertThat(entrypoint).as("the jar's own cluster.xml: one copy").doesNotContain("vertx.hazelcast.config");
    assertThat(entrypoint).as("the contract's validator compiled (JvmFlags)").contains("\"" + JvmFlags.COMPILE_HUGE_METHODS + "\"")
      .contains("\"" + JvmFlags.TRIM_NATIVE_HEAP + "\"");
    assertThat(lines).as("the image jar is built without the embedded servers").anyMatch(l -> l.contains("-Dimage"));
  }

  @Test
  @DisplayName("Prometheus scrapes every role's /metrics on the port it listens on")
  @SuppressWarnings("unchecked")
  void prometheusScrapesEveryRole() throws Exception {
    Map<String, Object> prometheus = new Yaml().load(Files.readString(COMPOSE.resolve("prometheus.yml")));
    List<Map<String, Object>> jobs = (List<Map<String, Object>>) prometheus.get("scrape_configs");
    List<String> targets = jobs.stream()
      .flatMap(job -> ((List<Map<String, Object>>) job.get("static_configs")).stream())
      .flatMap(config -> ((List<String>) config.get("targets")).stream()).toList();
    assertThat(targets).containsExactlyInAnyOrder(
      "gateway:" + config(services.get("gateway")).get(GatewayConfig.HTTP_PORT),
      "user:" + config(services.get("user")).get(UserConfig.HTTP_PORT),
      "slack:" + config(services.get("slack")).get(SlackConfig.HTTP_PORT),
      "user-queue:" + config(services.get("user-queue")).get(UserConfig.QUEUE_HTTP_PORT));
    assertThat(stackServices().keySet()).containsExactlyInAnyOrderElementsOf(
      targets.stream().map(target -> target.substring(0, target.indexOf(':'))).toList());
    assertThat(String.valueOf(services.get("prometheus").get("volumes"))).contains("./prometheus.yml:/etc/prometheus/prometheus.yml");
  }

  @Test
  @DisplayName("Grafana gets the Prometheus data source and the dashboard from provisioning files it mounts")
  @SuppressWarnings("unchecked")
  void grafanaIsProvisioned() throws Exception {
    String volumes = String.valueOf(services.get("grafana").get("volumes"));
    assertThat(volumes).contains("./grafana/provisioning:/etc/grafana/provisioning", "./grafana/dashboards:/var/lib/grafana/dashboards");
    Map<String, Object> datasources = new Yaml().load(Files.readString(COMPOSE.resolve("grafana/provisioning/datasources/prometheus.yml")));
    Map<String, Object> source = ((List<Map<String, Object>>) datasources.get("datasources")).get(0);
    assertThat(source).containsEntry("type", "prometheus").containsEntry("url", "http://prometheus:9090").containsEntry("uid", "prometheus");
    Map<String, Object> providers = new Yaml().load(Files.readString(COMPOSE.resolve("grafana/provisioning/dashboards/stack.yml")));
    Map<String, Object> provider = ((List<Map<String, Object>>) providers.get("providers")).get(0);
    assertThat(((Map<String, Object>) provider.get("options")).get("path")).isEqualTo("/var/lib/grafana/dashboards");
    assertThat(dashboardMetricNames()).contains("users_registered_total", "outbox_pending_rows", "feed_subscribers");
  }

  @Test
  @DisplayName("Every role sends its spans to the compose Zipkin")
  void rolesTraceToZipkin() {
    assertThat(services).containsKey("zipkin");
    stackServices().forEach((name, service) -> {
      StackConfig config = config(service);
      assertThat(config.get(LauncherSettings.OTEL_TRACES_EXPORTER)).as(name).isEqualTo("zipkin");
      assertThat(config.get(LauncherSettings.OTEL_EXPORTER_ZIPKIN_ENDPOINT)).as(name).isEqualTo("http://zipkin:9411/api/v2/spans");
    });
  }

  /** The metric names the Grafana dashboard's queries use (label names, functions and keywords left out). */
  static Set<String> dashboardMetricNames() throws Exception {
    io.vertx.core.json.JsonObject dashboard = new io.vertx.core.json.JsonObject(
      Files.readString(COMPOSE.resolve("grafana/dashboards/microservice-stack.json")));
    Set<String> names = new java.util.TreeSet<>();
    for (Object panel : dashboard.getJsonArray("panels")) {
      for (Object target : ((io.vertx.core.json.JsonObject) panel).getJsonArray("targets")) {
        String expr = ((io.vertx.core.json.JsonObject) target).getString("expr")
          .replaceAll("\\{[^}]*}", " ")
          .replaceAll("\\[[^]]*]", " ")
          .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", " ");
        java.util.regex.Matcher identifier = java.util.regex.Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\s*\\()?").matcher(expr);
        while (identifier.find()) {
          String token = identifier.group();
          if (!token.endsWith("(") && !Set.of("by", "without", "on", "ignoring", "and", "or", "unless", "bool", "offset").contains(token)) {
            names.add(token);
          }
        }
      }
    }
    return names;
  }

  @Test
  @DisplayName("Keeps every server's data in a named volume, Redis in an append-only file fsynced every second by default")
  @SuppressWarnings("unchecked")
  void keepsTheServersData() throws Exception {
    Map<String, Object> compose = new Yaml().load(Files.readString(COMPOSE.resolve("docker-compose.yml")));
    Map<String, Object> volumes = (Map<String, Object>) compose.get("volumes");
    Map<String, String> dataDirs = Map.of("postgres", "/var/lib/postgresql/data", "redis", "/data", "rabbitmq", "/var/lib/rabbitmq");

    dataDirs.forEach((server, dir) -> {
      List<String> mounts = (List<String>) services.get(server).get("volumes");
      assertThat(mounts).as(server).singleElement().satisfies(mount -> {
        assertThat(mount).endsWith(":" + dir);
        assertThat(volumes).containsKey(mount.substring(0, mount.indexOf(':')));
      });
    });
    assertThat(command(services.get("redis"))).containsSequence("--appendonly", "yes")
      .containsSequence("--appendfsync", "${REDIS_APPENDFSYNC:-everysec}");
    assertThat(services.get("rabbitmq").get("hostname")).as("RabbitMQ finds its data by node name").isEqualTo("rabbitmq");
  }

  @Test
  @DisplayName("Checks each service's readiness (/health/ready), so a container is healthy only when its dependencies answer")
  @SuppressWarnings("unchecked")
  void checksReadiness() {
    for (String name : List.of("user", "user-queue", "slack")) {
      Map<String, Object> healthcheck = (Map<String, Object>) services.get(name).get("healthcheck");
      assertThat((List<String>) healthcheck.get("test")).as(name).last().asString().endsWith("/health/ready");
    }
  }

  @Test
  @DisplayName("Runs the Node welcome service, and the Python tools on demand, from their own Dockerfiles against the gateway's bridge")
  @SuppressWarnings("unchecked")
  void polyglotServices() {
    StackConfig gateway = config(services.get("gateway"));
    String bridgePort = gateway.get(GatewayConfig.BRIDGE_PORT);
    assertThat(bridgePort).as("the bridge is on in compose").isNotBlank();
    for (String name : List.of("welcome-node", "tools")) {
      Map<String, Object> service = services.get(name);
      String context = String.valueOf(((Map<String, Object>) service.get("build")).get("context"));
      assertThat(COMPOSE.resolve(context).resolve("Dockerfile")).as(name).exists();
      Map<String, Object> environment = (Map<String, Object>) service.get("environment");
      assertThat(environment).as(name).containsEntry("BRIDGE_HOST", "gateway").containsEntry("BRIDGE_PORT", bridgePort)
        .containsKey("SERVICE_TOKEN");
    }
    assertThat((Map<String, Object>) services.get("welcome-node").get("environment"))
      .containsEntry("GATEWAY_URL", "http://gateway:" + gateway.get(GatewayConfig.HTTP_PORT));
    assertThat((List<String>) services.get("tools").get("profiles")).containsExactly("tools");
  }
}
