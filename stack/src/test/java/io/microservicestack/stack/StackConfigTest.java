package io.microservicestack.stack;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The launcher's settings and roles")
class StackConfigTest {

  @Test
  @DisplayName("With nothing set, the user service gets the documented defaults")
  void defaults() {
    JsonObject user = StackConfig.from(Map.of()).user();
    assertThat(user.getInteger("httpPort")).isEqualTo(8101);
    assertThat(StackConfig.from(Map.of()).isSet(Setting.PG_URI)).as("no PostgreSQL configured: embedded").isFalse();
    assertThat(LocalServers.needed(StackConfig.from(Map.of()))).isTrue();
    assertThat(user.getInteger("pgPoolSize")).isEqualTo(16);
    assertThat(user.getString("eventsExchange")).isEqualTo("stack.events");
  }

  @Test
  @DisplayName("Environment variables override the defaults, and a blank one keeps the default")
  void overrides() {
    JsonObject user = StackConfig.from(Map.of("USER_HTTP_PORT", "9001", "PG_POOL_SIZE", " ", "PG_SCHEMA", "s1")).user();
    assertThat(user.getInteger("httpPort")).isEqualTo(9001);
    assertThat(user.getInteger("pgPoolSize")).isEqualTo(16);
    assertThat(user.getString("pgSchema")).isEqualTo("s1");
  }

  @Test
  @DisplayName("With every server address configured, nothing embedded starts")
  void configuredServers() {
    StackConfig config = StackConfig.from(Map.of("PG_URI", "postgresql://db/x", "REDIS_URI", "redis://r", "AMQP_URI", "amqp://q"));
    assertThat(LocalServers.needed(config)).isFalse();
    assertThat(config.user().getString("pgUri")).isEqualTo("postgresql://db/x");
    assertThat(config.slack().getString("redisUri")).isEqualTo("redis://r");
    assertThat(config.slack().getString("amqpUri")).isEqualTo("amqp://q");
  }

  @Test
  @DisplayName("A setting that must be a number and is not is refused with its name")
  void refusesBadNumbers() {
    assertThatThrownBy(() -> StackConfig.from(Map.of("USER_HTTP_PORT", "http")).user())
      .hasMessageContaining("USER_HTTP_PORT");
  }

  @Test
  @DisplayName("No role, or 'all', deploys every role; named roles deploy just those")
  void parsesRoles() {
    assertThat(Role.parse(List.of())).containsExactlyInAnyOrder(Role.values());
    assertThat(Role.parse(List.of("all"))).containsExactlyInAnyOrder(Role.values());
    assertThat(Role.parse(List.of("user"))).containsExactly(Role.USER);
    assertThatThrownBy(() -> Role.parse(List.of("nope"))).hasMessageContaining("Unknown role 'nope'");
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
