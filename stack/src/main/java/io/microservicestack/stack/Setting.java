package io.microservicestack.stack;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every environment variable the stack reads, with its default and what it does. The README's config table
 * is this list; a setting can also be given as a JVM system property of the same name ({@code -DPG_URI=...}).
 */
public enum Setting {
  HTTP_HOST("0.0.0.0", "interface every HTTP server binds"),
  GATEWAY_HTTP_PORT("8100", "gateway HTTP port"),
  USER_HTTP_PORT("8101", "user service HTTP port"),
  SLACK_HTTP_PORT("8102", "slack service HTTP port"),
  USER_INSTANCES("1", "user service verticle instances (they share one PostgreSQL pool)"),
  GATEWAY_INSTANCES("1", "gateway verticle instances"),
  PG_URI("", "PostgreSQL of the user service, e.g. postgresql://postgres@127.0.0.1:5432/postgres; empty: start one embedded"),
  PG_DATA_DIR("", "data directory of the embedded PostgreSQL, kept across restarts; empty: a temporary one"),
  PG_SCHEMA("public", "schema of the users and outbox tables (created by the migrations)"),
  PG_POOL_SIZE("16", "PostgreSQL connections, shared by every user-service instance of the JVM"),
  REDIS_URI("", "Redis of the slack service, e.g. redis://127.0.0.1:6379; empty: start one embedded"),
  REDIS_POOL_SIZE("8", "Redis connections of the slack service"),
  REDIS_KEY_PREFIX("slack:", "prefix of every Redis key the slack service writes"),
  AMQP_URI("", "RabbitMQ (AMQP 0-9-1) for events and the user queue, e.g. amqp://guest:guest@127.0.0.1:5672; empty: start an embedded broker"),
  EVENTS_EXCHANGE("stack.events", "durable topic exchange of the domain events"),
  USER_QUEUE("user", "queue of create-user commands read by the user-queue role"),
  SLACK_QUEUE("slack.user-created", "queue of the slack service's user.created consumer (bound to EVENTS_EXCHANGE)"),
  SLACK_MAX_ATTEMPTS("5", "failed deliveries of an event before the slack consumer parks it in the DLQ"),
  RELAY_SWEEP_MS("1000", "how often the outbox relay looks for events left behind (ms)"),
  SLACK_WEBHOOK_URL("", "Slack incoming-webhook URL; empty: messages are stored, not posted"),
  USER_SERVICE_HOST("127.0.0.1", "where the gateway finds the user service"),
  USER_SERVICE_PORT("8101", "the user service port the gateway proxies to"),
  SLACK_SERVICE_HOST("127.0.0.1", "where the gateway finds the slack service"),
  SLACK_SERVICE_PORT("8102", "the slack service port the gateway proxies to"),
  PROXY_TIMEOUT_MS("5000", "gateway: an upstream slower than this is answered 504"),
  RPC_TIMEOUT_MS("3000", "gateway: an event-bus request slower than this is answered 504"),
  HEALTH_TIMEOUT_MS("2000", "gateway: each service's ping in /health times out after this"),
  WS_MAX_BUFFERED("1000", "gateway: frames a slow websocket client may have queued before it is closed (1008)"),
  WS_PING_INTERVAL_MS("30000", "gateway: websocket keep-alive ping interval"),
  CLUSTER("false", "true: join a Hazelcast-clustered event bus (same as the --cluster argument)"),
  CLUSTER_NAME("microservice-stack", "Hazelcast cluster name; only members with the same name join"),
  CLUSTER_DISCOVERY("tcp", "how members find each other: tcp, the CLUSTER_MEMBERS list; kubernetes, Hazelcast's Kubernetes discovery (CLUSTER_K8S_*)"),
  CLUSTER_MEMBERS("127.0.0.1", "comma-separated hosts (or host:port) of the members to join over TCP-IP"),
  CLUSTER_K8S_MODE("dns", "kubernetes discovery: dns looks up CLUSTER_K8S_SERVICE_DNS (no API access); api asks the Kubernetes API for the endpoints of CLUSTER_K8S_SERVICE_NAME (needs RBAC)"),
  CLUSTER_K8S_SERVICE_DNS("", "kubernetes dns mode: DNS name of the members' headless Service, e.g. stack-cluster.<namespace>.svc.cluster.local; every member listens on CLUSTER_PORT"),
  CLUSTER_K8S_SERVICE_NAME("", "kubernetes api mode: name of the Service whose endpoints are the members"),
  CLUSTER_K8S_NAMESPACE("", "kubernetes api mode: namespace of that Service; empty: the pod's own"),
  CLUSTER_PORT("5701", "Hazelcast port; with tcp discovery the next 19 are tried when it is taken, with kubernetes discovery it must be free"),
  CLUSTER_INTERFACE("127.0.0.1", "interface Hazelcast binds and advertises; 'any' lets Hazelcast choose (containers)"),
  CLUSTER_HOST("", "event-bus host; empty: the address Hazelcast advertises"),
  CLUSTER_PUBLIC_HOST("", "event-bus host other members connect to, when it differs (NAT); empty: CLUSTER_HOST"),
  CLUSTER_BUS_PORT("0", "event-bus TCP port; 0 picks a free one"),
  CLUSTER_HEARTBEAT_TIMEOUT_S("5", "seconds without heartbeat before a member is dropped from the cluster"),
  LOG_LEVEL("INFO", "root log level (logback)");

  private final String defaultValue;
  private final String description;

  Setting(String defaultValue, String description) {
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /** The setting read from the environment variable {@code name}, if the stack reads one of that name. */
  public static Optional<Setting> named(String name) {
    return Arrays.stream(values()).filter(s -> s.name().equals(name)).findFirst();
  }
}
