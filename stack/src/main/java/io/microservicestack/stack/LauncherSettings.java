package io.microservicestack.stack;

import io.microservicestack.common.Setting;

import java.util.List;

/**
 * The launcher's own settings: how many instances, the embedded PostgreSQL's data, clustering and logging. The
 * services' settings live in their config records ({@code UserConfig.SETTINGS}, ...); {@link Role} lists them.
 */
final class LauncherSettings {

  static final Setting USER_INSTANCES = Setting.of("userInstances", "USER_INSTANCES", 1,
    "user service verticle instances (they share one PostgreSQL pool)");
  static final Setting GATEWAY_INSTANCES = Setting.of("gatewayInstances", "GATEWAY_INSTANCES", 1, "gateway verticle instances");
  static final Setting PG_DATA_DIR = Setting.of("pgDataDir", "PG_DATA_DIR", "",
    "data directory of the embedded PostgreSQL, kept across restarts; empty: a temporary one");
  static final Setting CLUSTER = Setting.of("cluster", "CLUSTER", false,
    "true: join a Hazelcast-clustered event bus (same as the --cluster argument)");
  static final Setting CLUSTER_NAME = Setting.of("clusterName", "CLUSTER_NAME", "microservice-stack",
    "Hazelcast cluster name; only members with the same name join");
  static final Setting CLUSTER_MEMBERS = Setting.of("clusterMembers", "CLUSTER_MEMBERS", "127.0.0.1",
    "comma-separated hosts (or host:port) of the members to join over TCP-IP");
  static final Setting CLUSTER_DISCOVERY = Setting.of("clusterDiscovery", "CLUSTER_DISCOVERY", "tcp",
    "how members find each other: tcp, the CLUSTER_MEMBERS list; kubernetes, Hazelcast's Kubernetes discovery (CLUSTER_K8S_*)");
  static final Setting CLUSTER_K8S_MODE = Setting.of("clusterK8sMode", "CLUSTER_K8S_MODE", "dns",
    "kubernetes discovery: dns looks up CLUSTER_K8S_SERVICE_DNS (no API access); api asks the Kubernetes API for the endpoints of CLUSTER_K8S_SERVICE_NAME (needs RBAC)");
  static final Setting CLUSTER_K8S_SERVICE_DNS = Setting.of("clusterK8sServiceDns", "CLUSTER_K8S_SERVICE_DNS", "",
    "kubernetes dns mode: DNS name of the members' headless Service, e.g. stack-cluster.<namespace>.svc.cluster.local; every member listens on CLUSTER_PORT");
  static final Setting CLUSTER_K8S_SERVICE_NAME = Setting.of("clusterK8sServiceName", "CLUSTER_K8S_SERVICE_NAME", "",
    "kubernetes api mode: name of the Service whose endpoints are the members");
  static final Setting CLUSTER_K8S_NAMESPACE = Setting.of("clusterK8sNamespace", "CLUSTER_K8S_NAMESPACE", "",
    "kubernetes api mode: namespace of that Service; empty: the pod's own");
  static final Setting CLUSTER_PORT = Setting.of("clusterPort", "CLUSTER_PORT", 5701,
    "Hazelcast port; with tcp discovery the next 19 are tried when it is taken, with kubernetes discovery it must be free");
  static final Setting CLUSTER_INTERFACE = Setting.of("clusterInterface", "CLUSTER_INTERFACE", "127.0.0.1",
    "interface Hazelcast binds and advertises; 'any' lets Hazelcast choose (containers)");
  static final Setting CLUSTER_HOST = Setting.of("clusterHost", "CLUSTER_HOST", "", "event-bus host; empty: the address Hazelcast advertises");
  static final Setting CLUSTER_PUBLIC_HOST = Setting.of("clusterPublicHost", "CLUSTER_PUBLIC_HOST", "",
    "event-bus host other members connect to, when it differs (NAT); empty: CLUSTER_HOST");
  static final Setting CLUSTER_BUS_PORT = Setting.of("clusterBusPort", "CLUSTER_BUS_PORT", 0, "event-bus TCP port; 0 picks a free one");
  static final Setting CLUSTER_HEARTBEAT_TIMEOUT_S = Setting.of("clusterHeartbeatTimeoutS", "CLUSTER_HEARTBEAT_TIMEOUT_S", 5,
    "seconds without heartbeat before a member is dropped from the cluster");
  static final Setting METRICS_ENABLED = Setting.of("metricsEnabled", "METRICS_ENABLED", true,
    "true: every role serves GET /metrics (Prometheus text format) on its HTTP port");
  static final Setting OTEL_TRACES_EXPORTER = Setting.of("otelTracesExporter", "OTEL_TRACES_EXPORTER", "none",
    "where spans go: none, otlp (OTEL_EXPORTER_OTLP_ENDPOINT) or zipkin (OTEL_EXPORTER_ZIPKIN_ENDPOINT); also -Dotel.traces.exporter");
  static final Setting OTEL_EXPORTER_OTLP_ENDPOINT = Setting.of("otelExporterOtlpEndpoint", "OTEL_EXPORTER_OTLP_ENDPOINT", "",
    "OTLP endpoint; empty: the SDK's default, http://localhost:4317 (grpc) or :4318 (http/protobuf, OTEL_EXPORTER_OTLP_PROTOCOL)");
  static final Setting OTEL_EXPORTER_ZIPKIN_ENDPOINT = Setting.of("otelExporterZipkinEndpoint", "OTEL_EXPORTER_ZIPKIN_ENDPOINT", "",
    "Zipkin endpoint; empty: the SDK's default, http://localhost:9411/api/v2/spans");
  static final Setting OTEL_SERVICE_NAME = Setting.of("otelServiceName", "OTEL_SERVICE_NAME", "",
    "service name of the spans; empty: the role when the JVM runs one, else microservice-stack");
  static final Setting OTEL_TRACES_SAMPLER = Setting.of("otelTracesSampler", "OTEL_TRACES_SAMPLER", "",
    "sampler (OpenTelemetry names: parentbased_always_on, parentbased_traceidratio with OTEL_TRACES_SAMPLER_ARG, ...); empty: parentbased_always_on");
  static final Setting JWT_PRIVATE_KEY = Setting.of("jwtPrivateKey", "JWT_PRIVATE_KEY", "",
    "the token command signs with this PEM private key (RS256 or ES256; text or file path) instead of JWT_SECRET");
  static final Setting LOG_LEVEL = Setting.of("logLevel", "LOG_LEVEL", "INFO", "root log level (logback)");
  static final Setting LOG_FORMAT = Setting.of("logFormat", "LOG_FORMAT", "text",
    "text, or json: one JSON object per line with timestamp, level, logger, thread, message, role, trace_id, span_id");

  /** Every launcher setting, in the order of the docs. */
  static final List<Setting> SETTINGS = List.of(USER_INSTANCES, GATEWAY_INSTANCES, PG_DATA_DIR, CLUSTER, CLUSTER_NAME,
    CLUSTER_DISCOVERY, CLUSTER_MEMBERS, CLUSTER_K8S_MODE, CLUSTER_K8S_SERVICE_DNS, CLUSTER_K8S_SERVICE_NAME, CLUSTER_K8S_NAMESPACE,
    CLUSTER_PORT, CLUSTER_INTERFACE, CLUSTER_HOST, CLUSTER_PUBLIC_HOST, CLUSTER_BUS_PORT,
    CLUSTER_HEARTBEAT_TIMEOUT_S, METRICS_ENABLED, OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_ENDPOINT,
    OTEL_EXPORTER_ZIPKIN_ENDPOINT, OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER, JWT_PRIVATE_KEY, LOG_LEVEL, LOG_FORMAT);

  private LauncherSettings() {
  }
}
