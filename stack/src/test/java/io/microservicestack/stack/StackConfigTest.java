package io.microservicestack.stack;

import io.microservicestack.user.UserConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The launcher's settings and roles")
class StackConfigTest {

  private static final Set<Role> ALL = EnumSet.allOf(Role.class);

  @Test
  @DisplayName("With nothing set, each service gets no keys and so its own documented defaults")
  void defaults() {
    StackConfig config = StackConfig.from(Map.of());
    JsonObject user = config.configFor(Role.USER, ALL);

    // With the gateway in the same open (AUTH_MODE=off) JVM the service binds loopback only.
    assertThat(user).isEqualTo(new JsonObject().put("httpHost", "127.0.0.1"));
    assertThat(UserConfig.fromJson(user).httpPort()).isEqualTo(8101);
    assertThat(UserConfig.fromJson(user).eventsExchange()).isEqualTo("stack.events");
    assertThat(config.isSet(UserConfig.PG_URI)).as("no PostgreSQL configured: embedded").isFalse();
    assertThat(ZeroInstall.needed(config)).isTrue();
  }

  @Test
  @DisplayName("Environment variables are passed on under the service's keys; a blank one counts as unset")
  void overrides() {
    JsonObject user = StackConfig.from(Map.of("USER_HTTP_PORT", "9001", "PG_POOL_SIZE", " ", "PG_SCHEMA", "s1"))
      .configFor(Role.USER, ALL);

    assertThat(user).isEqualTo(new JsonObject().put("httpPort", "9001").put("pgSchema", "s1").put("httpHost", "127.0.0.1"));
    assertThat(UserConfig.fromJson(user).poolSize()).isEqualTo(16);
  }

  @Test
  @DisplayName("With every server address configured, nothing embedded starts")
  void configuredServers() {
    StackConfig config = StackConfig.from(Map.of("PG_URI", "postgresql://db/x", "REDIS_URI", "redis://r", "AMQP_URI", "amqp://q"));
    assertThat(ZeroInstall.needed(config)).isFalse();
    assertThat(config.configFor(Role.USER, ALL).getString("pgUri")).isEqualTo("postgresql://db/x");
    assertThat(config.configFor(Role.SLACK, ALL).getString("redisUri")).isEqualTo("redis://r");
    assertThat(config.configFor(Role.SLACK, ALL).getString("amqpUri")).isEqualTo("amqp://q");
  }

  @Test
  @DisplayName("In one JVM, moving a service's port moves the gateway's proxy with it, unless the upstream port is set")
  void upstreamPortsFollowTheServices() {
    StackConfig moved = StackConfig.from(Map.of("USER_HTTP_PORT", "9101", "SLACK_HTTP_PORT", "9102"));

    assertThat(moved.configFor(Role.GATEWAY, ALL)).isEqualTo(new JsonObject().put("userPort", "9101").put("slackPort", "9102"));
    assertThat(moved.configFor(Role.GATEWAY, EnumSet.of(Role.GATEWAY))).as("a gateway alone keeps its settings").isEqualTo(new JsonObject());
    assertThat(moved.with(Map.of("USER_SERVICE_PORT", "7000")).configFor(Role.GATEWAY, ALL).getString("userPort")).isEqualTo("7000");
  }

  @Test
  @DisplayName("A bad value is refused before anything starts, naming the variable")
  void refusesBadValues() {
    assertThatThrownBy(() -> RunningStack.configs(StackConfig.from(Map.of("USER_HTTP_PORT", "http")), ALL))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessage("USER_HTTP_PORT (httpPort) must be an integer, got 'http'");
    assertThatThrownBy(() -> RunningStack.configs(StackConfig.from(Map.of("SLACK_HTTP_PORT", "70000")), ALL))
      .hasMessage("SLACK_HTTP_PORT (httpPort) must be between 0 and 65535, got 70000");
  }

  @Test
  @DisplayName("No role, or 'all', deploys every role; named roles deploy just those; --help and --version start nothing")
  void parsesTheCommandLine() {
    assertThat(Role.parse(List.of())).containsExactlyInAnyOrder(Role.values());
    assertThat(Role.parse(List.of("all"))).containsExactlyInAnyOrder(Role.values());
    assertThat(Role.parse(List.of("user"))).containsExactly(Role.USER);
    assertThatThrownBy(() -> Role.parse(List.of("nope"))).hasMessageContaining("Unknown role 'nope'");
    assertThat(CommandLine.parse(new String[] {"--help"}, Map.of()).action()).isEqualTo(CommandLine.Action.HELP);
    assertThat(CommandLine.parse(new String[] {"--version"}, Map.of()).action()).isEqualTo(CommandLine.Action.VERSION);
    assertThat(CommandLine.parse(new String[] {"user", "--cluster"}, Map.of()).config().bool(LauncherSettings.CLUSTER)).isTrue();
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"--nope"}, Map.of())).hasMessageContaining("--help");
  }

  @Test
  @DisplayName("--help lists every environment variable the launcher reads, once")
  void helpListsEverySetting() {
    String help = StackMain.help();
    for (String name : StackConfig.knownNames()) {
      assertThat(help).as(name).containsOnlyOnce("  " + name + " ");
    }
  }

  @Test
  @DisplayName("The cluster.xml placeholders are filled from the CLUSTER_* settings: TCP-IP members, no multicast, the __vertx maps kept")
  void clusterConfig() {
    var hazelcast = Clustering.hazelcastConfig(StackConfig.from(Map.of(
      "CLUSTER_NAME", "blue", "CLUSTER_MEMBERS", "10.0.0.5,10.0.0.6", "CLUSTER_PORT", "5801")));

    assertThat(hazelcast.getClusterName()).isEqualTo("blue");
    var join = hazelcast.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("10.0.0.5", "10.0.0.6");
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(hazelcast.getNetworkConfig().getPort()).isEqualTo(5801);
    assertThat(hazelcast.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    assertThat(hazelcast.getMultiMapConfigs()).containsKey("__vertx.subs");
    assertThat(Clustering.hazelcastConfig(StackConfig.from(Map.of("CLUSTER_INTERFACE", "any")))
      .getNetworkConfig().getInterfaces().isEnabled()).isFalse();
  }
}
