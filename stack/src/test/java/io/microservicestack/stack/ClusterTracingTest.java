package io.microservicestack.stack;

import io.microservicestack.common.testing.TestInfrastructure;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.microservicestack.stack.Spans.attribute;
import static io.microservicestack.stack.Spans.dump;
import static io.microservicestack.stack.Spans.find;
import static io.microservicestack.stack.Spans.isChildOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway and the user service in two Vert.x instances joined over a Hazelcast-clustered event bus on
 * 127.0.0.1 (in one JVM, tracing into one in-memory exporter): an RPC route is one trace across the cluster hop.
 */
@DisplayName("Tracing across the clustered event bus")
class ClusterTracingTest {

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final String run = TestInfrastructure.unique("cluster_trace");
  private RunningStack user;
  private RunningStack gateway;
  private String gatewayUrl;

  @BeforeEach
  void start() throws Exception {
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
    int clusterPort = StackProcess.freePort();
    int userPort = StackProcess.freePort();
    int gatewayPort = StackProcess.freePort();
    Map<String, String> env = new HashMap<>(Map.of(
      "PG_URI", TestInfrastructure.pgUri(), "AMQP_URI", TestInfrastructure.amqpUri(), "REDIS_URI", TestInfrastructure.redisUri(),
      "PG_SCHEMA", run, "EVENTS_EXCHANGE", run + ".events", "USER_QUEUE", run + ".user", "SLACK_QUEUE", run + ".slack",
      "USER_HTTP_PORT", String.valueOf(userPort), "GATEWAY_HTTP_PORT", String.valueOf(gatewayPort)));
    env.putAll(Map.of("USER_SERVICE_PORT", String.valueOf(userPort), "METRICS_ENABLED", "false",
      "CLUSTER", "true", "CLUSTER_NAME", run, "CLUSTER_PORT", String.valueOf(clusterPort),
      "CLUSTER_MEMBERS", "127.0.0.1:" + clusterPort, "REDIS_KEY_PREFIX", run + ":"));
    StackConfig config = StackConfig.from(env);
    user = RunningStack.start(config, Role.parse(List.of("user")), sdk).await(90, TimeUnit.SECONDS);
    gateway = RunningStack.start(config, Role.parse(List.of("gateway")), sdk).await(90, TimeUnit.SECONDS);
    gatewayUrl = "http://127.0.0.1:" + gatewayPort;
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.close().await(30, TimeUnit.SECONDS);
    }
    if (user != null) {
      user.close().await(30, TimeUnit.SECONDS);
    }
    TestInfrastructure.deleteRun(run);
  }

  @Test
  @DisplayName("GET /users/{id} on the gateway is one trace: the gateway's request, its users.get over the cluster, the user service's receipt and its SQL")
  void rpcOverTheClusterIsOneTrace() throws Exception {
    assertThat(gateway.vertx().isClustered()).isTrue();
    HttpResponse<String> created = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
      .until(() -> StackProcess.postJson(gatewayUrl + "/user",
        "{\"name\": \"clustered\", \"email\": \"" + TestInfrastructure.unique("clustered") + "@example.com\"}"),
        response -> response.statusCode() == 201);
    long id = new JsonObject(created.body()).getLong("id");
    // The gateway has no users.get consumer of its own: the request can only be answered across the cluster.
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> StackProcess.get(gatewayUrl + "/users/" + id).statusCode() == 200);

    // The client's own trace, so that this request's spans are told apart from the warm-up's.
    String trace = "0af7651916cd43dd8448eb211c80319c";
    String clientSpan = "b7ad6b7169203331";
    HttpResponse<String> read = StackProcess.get(gatewayUrl + "/users/" + id, "traceparent", "00-" + trace + "-" + clientSpan + "-01");
    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(find(spans, span -> span.getKind() == SpanKind.SERVER
      && span.getParentSpanId().equals(clientSpan))).as(dump(spans)).isNotNull());
    SpanData request = find(spans, span -> span.getKind() == SpanKind.SERVER && span.getParentSpanId().equals(clientSpan));
    SpanData send = find(spans, span -> span.getKind() == SpanKind.CLIENT && isChildOf(span, request) && "users.get".equals(attribute(span, "messaging.destination.name")));
    assertThat(send).as("the gateway's users.get request, under its GET:\n" + dump(spans)).isNotNull();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(find(spans, span -> span.getKind() == SpanKind.SERVER
      && isChildOf(span, send))).as(dump(spans)).isNotNull());
    SpanData receive = find(spans, span -> span.getKind() == SpanKind.SERVER && isChildOf(span, send));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(find(spans, span -> isChildOf(span, receive)
      && "postgresql".equals(attribute(span, "db.system")))).as(dump(spans)).isNotNull());
    SpanData select = find(spans, span -> isChildOf(span, receive) && "postgresql".equals(attribute(span, "db.system")));

    assertThat(attribute(request, "url.path")).isEqualTo("/users/" + id);
    assertThat(List.of(request, send, receive, select)).allSatisfy(span -> assertThat(span.getTraceId()).isEqualTo(trace));
    assertThat(receive.getParentSpanContext().isRemote()).as("the receipt continues the context the message carried").isTrue();
    assertThat(select.getKind()).isEqualTo(SpanKind.CLIENT);
  }
}
