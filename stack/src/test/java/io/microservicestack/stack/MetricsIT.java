package io.microservicestack.stack;

import io.microservicestack.common.testing.TestInfrastructure;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The stack jar's {@code /metrics} as a real Prometheus sees it: every role's port is scraped, the scrape passes
 * {@code promtool check metrics}, and the domain meters count what the test did.
 */
@DisplayName("Metrics, scraped by a real Prometheus")
class MetricsIT {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @Test
  @DisplayName("Every role serves /metrics; Prometheus reads the users the test created and the events consumed")
  void prometheusReadsTheDomainMeters() throws Exception {
    PrometheusServer.assumeInstalled();
    String id = TestInfrastructure.unique("metrics");
    int gateway = StackProcess.freePort();
    int user = StackProcess.freePort();
    int slack = StackProcess.freePort();
    int userQueue = StackProcess.freePort();
    // Exchange, queues, schema and keys of its own: no other test's consumer takes this stack's events.
    Map<String, String> env = Map.of("GATEWAY_HTTP_PORT", String.valueOf(gateway), "USER_HTTP_PORT", String.valueOf(user),
      "SLACK_HTTP_PORT", String.valueOf(slack), "USER_QUEUE_HTTP_PORT", String.valueOf(userQueue), "PG_SCHEMA", id,
      "EVENTS_EXCHANGE", id + ".events", "SLACK_QUEUE", id + ".slack", "USER_QUEUE", id + ".user",
      "REDIS_KEY_PREFIX", id + ":");
    try {
      try (StackProcess stack = StackProcess.start("metrics", env)) {
        stack.awaitOk("http://127.0.0.1:" + gateway + "/health", DEADLINE);
        for (int port : List.of(gateway, user, slack, userQueue)) {
          stack.awaitOk("http://127.0.0.1:" + port + "/health/live", DEADLINE);
        }
        try (PrometheusServer prometheus = PrometheusServer.start("metrics", List.of(
          "127.0.0.1:" + gateway, "127.0.0.1:" + user, "127.0.0.1:" + slack, "127.0.0.1:" + userQueue))) {
          String base = "http://127.0.0.1:" + gateway;
          long firstId = 0;
          for (int i = 0; i < 3; i++) {
            HttpResponse<String> created = StackProcess.postJson(base + "/user",
              "{\"name\": \"metrics\", \"email\": \"" + id + "-" + i + "@example.com\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            firstId = firstId == 0 ? new io.vertx.core.json.JsonObject(created.body()).getLong("id") : firstId;
          }
          assertThat(StackProcess.get(base + "/users/" + firstId).statusCode()).isEqualTo(200);
          assertThat(StackProcess.get("http://127.0.0.1:" + user + "/no/such/path/987654321").statusCode()).isEqualTo(404);
          // A refusal at the edge (AUTH_MODE=off still checks a browser's origin): counted by reason.
          assertThat(StackProcess.get(base + "/ws/users", "Origin", "https://elsewhere.example").statusCode()).isEqualTo(403);

          await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(value(prometheus, "max(users_registered_total{role=\"user\"})")).hasValue(3);
            assertThat(value(prometheus, "max(outbox_events_published_total{role=\"user\"})")).hasValue(3);
            assertThat(value(prometheus, "max(events_consumed_total{consumer=\"" + id + ".slack\",outcome=\"stored\"})")).hasValue(3);
            assertThat(value(prometheus, "max(outbox_publish_confirm_seconds_count{role=\"user\"})")).hasValue(3);
            assertThat(value(prometheus, "max(gateway_auth_refusals_total{reason=\"origin\"})")).hasValue(1);
            assertThat(value(prometheus, "max(gateway_rate_limited_total)")).hasValue(0);
            // Every role's port is a target that Prometheus scrapes successfully.
            assertThat(value(prometheus, "count(up == 1)")).hasValue(4);
          });
          // HTTP meters are labelled by route template: the id and the unknown path are not label values.
          assertThat(value(prometheus, "sum(vertx_http_server_requests_total{route=\"/users/:id\",method=\"GET\",code=\"200\"})"))
            .isPresent();
          assertThat(prometheus.query("count by (__name__) ({route=~\".*(" + firstId + "|987654321).*\"})")).isEmpty();

          // Every metric the Grafana dashboard queries exists in a real scrape.
          String whole = StackProcess.get("http://127.0.0.1:" + gateway + "/metrics").body();
          java.util.Set<String> scraped = whole.lines().filter(line -> !line.startsWith("#") && !line.isBlank())
            .map(line -> line.split("[{ ]", 2)[0]).collect(java.util.stream.Collectors.toSet());
          assertThat(ComposeFileTest.dashboardMetricNames()).isNotEmpty().allSatisfy(name -> assertThat(scraped).as(name).contains(name));

          for (int port : List.of(gateway, user, slack, userQueue)) {
            HttpResponse<String> scrape = StackProcess.get("http://127.0.0.1:" + port + "/metrics");
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
            assertThat(PrometheusServer.check(scrape.body())).as("promtool check metrics on port " + port).isEmpty();
          }
        }
      }
    } finally {
      TestInfrastructure.deleteRun(id);
    }
  }

  private static OptionalDouble value(PrometheusServer prometheus, String promql) throws Exception {
    OptionalDouble value = prometheus.value(promql);
    return value.isPresent() ? OptionalDouble.of(Math.round(value.getAsDouble())) : value;
  }
}
