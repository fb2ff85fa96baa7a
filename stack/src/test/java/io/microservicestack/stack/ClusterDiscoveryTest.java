package io.microservicestack.stack;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The cluster discovery setting")
class ClusterDiscoveryTest {

  private static Config hazelcast(Map<String, String> settings) {
    return Clustering.hazelcastConfig(StackConfig.from(settings));
  }

  @Test
  @DisplayName("By default joins the CLUSTER_MEMBERS over TCP-IP, and tries the next ports when CLUSTER_PORT is taken")
  void tcpByDefault() {
    Config config = hazelcast(Map.of("CLUSTER_MEMBERS", "10.0.0.1,10.0.0.2"));
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("10.0.0.1", "10.0.0.2");
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    assertThat(config.getNetworkConfig().isPortAutoIncrement()).isTrue();
  }

  @Test
  @DisplayName("kubernetes in DNS mode looks up the headless Service and connects to CLUSTER_PORT of every address, with no other join")
  void kubernetesDns() {
    Config config = hazelcast(Map.of("CLUSTER_DISCOVERY", "kubernetes", "CLUSTER_K8S_SERVICE_DNS", "stack-cluster.shop.svc.cluster.local",
      "CLUSTER_PORT", "5801"));
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperties()).containsExactlyInAnyOrderEntriesOf(Map.of(
      "service-dns", "stack-cluster.shop.svc.cluster.local", "service-port", "5801"));
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.isAutoDetectionEnabled()).isFalse();
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5801);
    assertThat(config.getNetworkConfig().isPortAutoIncrement()).as("a member on another port would not be found").isFalse();
    assertThat(config.getProperty("hazelcast.wait.seconds.before.join")).as("discovery is asked only while the join waits")
      .isEqualTo("5");
  }

  @Test
  @DisplayName("kubernetes in API mode asks for the endpoints of the named Service, in the namespace given or the pod's own")
  void kubernetesApi() {
    Map<String, String> api = Map.of("CLUSTER_DISCOVERY", "Kubernetes", "CLUSTER_K8S_MODE", "api",
      "CLUSTER_K8S_SERVICE_NAME", "stack-cluster");
    assertThat(hazelcast(api).getNetworkConfig().getJoin().getKubernetesConfig().getProperties())
      .containsExactlyInAnyOrderEntriesOf(Map.of("service-name", "stack-cluster", "resolve-not-ready-addresses", "true"));

    Map<String, String> withNamespace = new java.util.HashMap<>(api);
    withNamespace.put("CLUSTER_K8S_NAMESPACE", "shop");
    assertThat(hazelcast(withNamespace).getNetworkConfig().getJoin().getKubernetesConfig().getProperty("namespace"))
      .isEqualTo("shop");
  }

  @Test
  @DisplayName("Refuses an unknown discovery or mode, and a kubernetes discovery without the Service it needs, naming the setting")
  void refusesIncompleteSettings() {
    assertThatThrownBy(() -> hazelcast(Map.of("CLUSTER_DISCOVERY", "multicast")))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CLUSTER_DISCOVERY must be tcp or kubernetes");
    assertThatThrownBy(() -> hazelcast(Map.of("CLUSTER_DISCOVERY", "kubernetes")))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CLUSTER_K8S_SERVICE_DNS (clusterK8sServiceDns) must be set");
    assertThatThrownBy(() -> hazelcast(Map.of("CLUSTER_DISCOVERY", "kubernetes", "CLUSTER_K8S_MODE", "api")))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CLUSTER_K8S_SERVICE_NAME (clusterK8sServiceName) must be set");
    assertThatThrownBy(() -> hazelcast(Map.of("CLUSTER_DISCOVERY", "kubernetes", "CLUSTER_K8S_MODE", "label")))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CLUSTER_K8S_MODE must be dns or api");
  }
}
