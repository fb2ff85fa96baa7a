package io.microservicestack.stack;

import io.microservicestack.common.testing.TestInfrastructure;
import io.microservicestack.stack.testing.StackHttp;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import com.rabbitmq.client.AMQP;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQOptions;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.microservicestack.stack.Spans.attribute;
import static io.microservicestack.stack.Spans.dump;
import static io.microservicestack.stack.Spans.find;
import static io.microservicestack.stack.Spans.isChildOf;
import static io.microservicestack.stack.Spans.longAttribute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One user created through the gateway, in one JVM with every role, traced into memory: the spans of every hop
 * form one trace, each under the hop that caused it.
 */
@DisplayName("Tracing, one JVM")
class TracingTest {

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private Vertx webhookVertx;
  private HttpServer webhook;
  private RunningStack stack;

  @BeforeEach
  void start() throws Exception {
    webhookVertx = Vertx.vertx();
    webhook = webhookVertx.createHttpServer().requestHandler(request -> request.response().end("ok")).listen(0, "127.0.0.1")
      .await(10, TimeUnit.SECONDS);
    String id = TestInfrastructure.unique("tracing");
    Map<String, String> env = new HashMap<>(Map.of(
      "PG_URI", TestInfrastructure.pgUri(), "REDIS_URI", TestInfrastructure.redisUri(), "AMQP_URI", TestInfrastructure.amqpUri(),
      "GATEWAY_HTTP_PORT", String.valueOf(StackProcess.freePort()), "USER_HTTP_PORT", String.valueOf(StackProcess.freePort()),
      "SLACK_HTTP_PORT", String.valueOf(StackProcess.freePort()), "USER_QUEUE_HTTP_PORT", "0",
      "PG_SCHEMA", id, "EVENTS_EXCHANGE", id + ".events", "SLACK_QUEUE", id + ".slack"));
    env.put("USER_QUEUE", id + ".user");
    queue = id + ".user";
    schema = id;
    env.put("REDIS_KEY_PREFIX", id + ":");
    env.put("SLACK_WEBHOOK_URL", "http://127.0.0.1:" + webhook.actualPort() + "/hook");
    env.put("METRICS_ENABLED", "false");
    // The feed reads on announcements only: a periodic read would race them and release a user unannounced.
    env.put("FEED_POLL_MS", "600000");
    StackConfig config = StackConfig.from(env);
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
    stack = RunningStack.start(config, Role.parse(List.of()), sdk).await(60, TimeUnit.SECONDS);
    gatewayPort = Integer.parseInt(config.get(io.microservicestack.gateway.GatewayConfig.HTTP_PORT));
    StackHttp.gatewayStarted(gatewayPort);
    gateway = "http://127.0.0.1:" + gatewayPort;
    slack = "http://127.0.0.1:" + config.get(io.microservicestack.slack.SlackConfig.HTTP_PORT);
  }

  private int gatewayPort;
  private String gateway;
  private String slack;
  private String queue;
  private String schema;

  @AfterEach
  void stop() throws Exception {
    StackHttp.gatewayStopped(gatewayPort);
    if (stack != null) {
      stack.close().await(30, TimeUnit.SECONDS);
    }
    webhookVertx.close().await(10, TimeUnit.SECONDS);
    TestInfrastructure.deleteRun(schema);
  }

  @Test
  @DisplayName("POST /user on the gateway is one trace: gateway, proxy, user service, SQL insert, publish, slack consumer, webhook")
  void oneTracePerUser() throws Exception {
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> StackProcess.get(slack + "/health").statusCode() == 200);
    spans.reset();

    HttpResponse<String> created = StackProcess.postJson(gateway + "/user",
      "{\"name\": \"traced\", \"email\": \"" + TestInfrastructure.unique("traced") + "@example.com\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
      assertThat(find(spans, span -> span.getKind() == SpanKind.CLIENT && String.valueOf(url(span)).endsWith("/hook"))).as(dump(spans)).isNotNull());

    // The root: the gateway's POST /user (a health poll from before the reset may still end after it, with no parent too).
    SpanData gatewayServer = find(spans, span -> span.getKind() == SpanKind.SERVER && !span.getParentSpanContext().isValid()
      && "/user".equals(attribute(span, "url.path")));
    assertThat(gatewayServer).as(dump(spans)).isNotNull();
    String trace = gatewayServer.getTraceId();
    SpanData proxy = find(spans, span -> span.getKind() == SpanKind.CLIENT && isChildOf(span, gatewayServer));
    SpanData userServer = find(spans, span -> span.getKind() == SpanKind.SERVER && isChildOf(span, proxy));
    SpanData insert = find(spans, span -> span.getKind() == SpanKind.CLIENT && isChildOf(span, userServer)
      && "postgresql".equals(attribute(span, "db.system"))
      && String.valueOf(attribute(span, "db.query.text")).contains("INSERT INTO users"));
    SpanData publish = find(spans, span -> span.getKind() == SpanKind.PRODUCER && isChildOf(span, userServer));
    SpanData consume = find(spans, span -> span.getKind() == SpanKind.CONSUMER && isChildOf(span, publish));
    SpanData webhookCall = find(spans, span -> span.getKind() == SpanKind.CLIENT && isChildOf(span, consume)
      && String.valueOf(url(span)).endsWith("/hook"));
    assertThat(java.util.Arrays.asList(proxy, userServer, insert, publish, consume, webhookCall).stream().filter(Objects::isNull).count())
      .as("every hop has its span under the previous one:\n" + dump(spans)).isZero();
    assertThat(List.of(gatewayServer, proxy, userServer, insert, publish, consume, webhookCall))
      .allSatisfy(span -> assertThat(span.getTraceId()).isEqualTo(trace));
    assertThat(consume.getName()).contains(".slack");
    assertThat(find(spans, span -> "redis".equals(attribute(span, "db.system")) && isChildOf(span, consume))).as("the Redis write").isNotNull();
  }

  @Test
  @DisplayName("A create-user command put on the user queue with a traceparent header continues that trace: consume, SQL insert, publish")
  void commandContinuesItsTrace() throws Exception {
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> StackProcess.get(gateway + "/health").statusCode() == 200);
    spans.reset();
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    RabbitMQClient producer = RabbitMQClient.create(webhookVertx, new RabbitMQOptions().setUri(TestInfrastructure.amqpUri()));
    producer.start().await(10, TimeUnit.SECONDS);
    try {
      String command = new JsonObject().put("name", "queued").put("email", TestInfrastructure.unique("queued") + "@example.com")
        .put("requestId", TestInfrastructure.unique("req")).encode();
      AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType("application/json")
        .headers(Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")).build();
      producer.basicPublish("", queue, properties, Buffer.buffer(command)).await(10, TimeUnit.SECONDS);
    } finally {
      producer.stop().await(10, TimeUnit.SECONDS);
    }

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
      assertThat(find(spans, span -> span.getTraceId().equals(traceId) && span.getKind() == SpanKind.PRODUCER)).as(dump(spans)).isNotNull());
    SpanData consume = find(spans, span -> span.getTraceId().equals(traceId) && span.getKind() == SpanKind.CONSUMER
      && "00f067aa0ba902b7".equals(span.getParentSpanId()));
    assertThat(consume).as("the user-queue consumer's span, under the producer's:\n" + dump(spans)).isNotNull();
    assertThat(find(spans, span -> span.getTraceId().equals(traceId) && "postgresql".equals(attribute(span, "db.system"))
      && String.valueOf(attribute(span, "db.query.text")).contains("INSERT INTO users"))).as("the SQL insert, same trace").isNotNull();
  }

  @Test
  @DisplayName("The feed's hand-over of a user to the websockets is a span of its own, linked to the create's trace")
  void feedDeliveryLinksToTheCreate() throws Exception {
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> StackProcess.get(gateway + "/health").statusCode() == 200);
    List<String> frames = new CopyOnWriteArrayList<>();
    WebSocket feed = StackProcess.liveFeed(gateway, frames);
    try {
      spans.reset();
      HttpResponse<String> created = StackProcess.postJson(gateway + "/user",
        "{\"name\": \"fed\", \"email\": \"" + TestInfrastructure.unique("fed") + "@example.com\"}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      long id = new JsonObject(created.body()).getLong("id");
      await().atMost(Duration.ofSeconds(30)).until(() -> frames.stream().anyMatch(frame -> new JsonObject(frame).getLong("id") == id));

      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(find(spans, span -> "users.feed deliver".equals(span.getName()) && Long.valueOf(id).equals(longAttribute(span, "user.id"))))
          .as(dump(spans)).isNotNull());
      SpanData deliver = find(spans, span -> "users.feed deliver".equals(span.getName()) && Long.valueOf(id).equals(longAttribute(span, "user.id")));
      SpanData create = find(spans, span -> span.getKind() == SpanKind.SERVER && !span.getParentSpanContext().isValid()
        && "/user".equals(attribute(span, "url.path")));
      assertThat(create).as(dump(spans)).isNotNull();
      assertThat(deliver.getKind()).isEqualTo(SpanKind.PRODUCER);
      assertThat(deliver.getParentSpanContext().isValid()).as("a trace of its own").isFalse();
      assertThat(deliver.getLinks()).as(dump(spans)).hasSize(1);
      SpanContext link = deliver.getLinks().get(0).getSpanContext();
      assertThat(link.getTraceId()).isEqualTo(create.getTraceId());
      // The link names a span of the create's trace: the gateway's receipt of the users.created announcement.
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(find(spans, span -> span.getSpanId().equals(link.getSpanId()) && span.getTraceId().equals(create.getTraceId())))
          .as(dump(spans)).isNotNull());
    } finally {
      feed.abort();
    }
  }

  @Test
  @DisplayName("A user the feed releases without an announcement (written behind the user service's back) gets its delivery span, without a link")
  void unannouncedUserHasNoLink() throws Exception {
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> StackProcess.get(gateway + "/health").statusCode() == 200);
    List<String> frames = new CopyOnWriteArrayList<>();
    WebSocket feed = StackProcess.liveFeed(gateway, frames);
    try {
      // A first user through the feed: the feed then knows where it is (until then it starts at the first announced).
      HttpResponse<String> first = StackProcess.postJson(gateway + "/user",
        "{\"name\": \"first\", \"email\": \"" + TestInfrastructure.unique("first") + "@example.com\"}");
      assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
      long firstId = new JsonObject(first.body()).getLong("id");
      await().atMost(Duration.ofSeconds(30)).until(() -> frames.stream().anyMatch(frame -> new JsonObject(frame).getLong("id") == firstId));
      spans.reset();
      Pool pg = PgBuilder.pool().connectingTo(TestInfrastructure.pgUri()).using(webhookVertx).build();
      long quiet;
      try {
        quiet = pg.query("INSERT INTO \"" + schema + "\".users (name, email) VALUES ('quiet', '"
            + TestInfrastructure.unique("quiet") + "@example.com') RETURNING id").execute()
          .await(10, TimeUnit.SECONDS).iterator().next().getLong("id");
      } finally {
        pg.close().await(10, TimeUnit.SECONDS);
      }
      // An announced user after it wakes the feed up, which then releases both, in order.
      HttpResponse<String> created = StackProcess.postJson(gateway + "/user",
        "{\"name\": \"loud\", \"email\": \"" + TestInfrastructure.unique("loud") + "@example.com\"}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      long loud = new JsonObject(created.body()).getLong("id");

      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(java.util.Arrays.asList(deliverySpan(quiet), deliverySpan(loud)))
        .as(dump(spans)).doesNotContainNull());
      assertThat(deliverySpan(quiet).getLinks()).as("no announcement, nothing to link to").isEmpty();
      assertThat(deliverySpan(loud).getLinks()).hasSize(1);
      assertThat(frames).anySatisfy(frame -> assertThat(new JsonObject(frame).getLong("id")).isEqualTo(quiet));
    } finally {
      feed.abort();
    }
  }

  private SpanData deliverySpan(long userId) {
    return find(spans, span -> "users.feed deliver".equals(span.getName()) && Long.valueOf(userId).equals(longAttribute(span, "user.id")));
  }

  private static Object url(SpanData span) {
    Object url = attribute(span, "http.url");
    return url != null ? url : attribute(span, "url.full");
  }
}
