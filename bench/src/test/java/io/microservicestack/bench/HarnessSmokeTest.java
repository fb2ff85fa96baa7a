package io.microservicestack.bench;

import io.microservicestack.common.testing.TestInfrastructure;
import io.microservicestack.stack.Role;
import io.microservicestack.stack.RunningStack;
import io.microservicestack.stack.StackConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A quick check that the harness measures what it claims, against a one-JVM stack started in this JVM (servers from
 * PG_URI/REDIS_URI/AMQP_URI, or embedded). The full benchmarks are bench/run.sh, not this test.
 */
@DisplayName("The benchmark probes, against an in-process stack")
class HarnessSmokeTest {

  private static RunningStack stack;
  private static Vertx client;
  private static int gatewayPort;
  private static String keyPrefix;
  private static String tag;

  @BeforeAll
  static void startStack() throws Exception {
    String unique = TestInfrastructure.unique("bench");
    keyPrefix = unique + ":";
    tag = unique.replace("_", "-");
    gatewayPort = freePort();
    int userPort = freePort();
    int slackPort = freePort();
    stack = RunningStack.start(StackConfig.from(Map.ofEntries(
        Map.entry("PG_URI", TestInfrastructure.pgUri()),
        Map.entry("REDIS_URI", TestInfrastructure.redisUri()),
        Map.entry("AMQP_URI", TestInfrastructure.amqpUri()),
        Map.entry("HTTP_HOST", "127.0.0.1"),
        Map.entry("GATEWAY_HTTP_PORT", String.valueOf(gatewayPort)),
        Map.entry("USER_HTTP_PORT", String.valueOf(userPort)),
        Map.entry("SLACK_HTTP_PORT", String.valueOf(slackPort)),
        Map.entry("USER_SERVICE_PORT", String.valueOf(userPort)),
        Map.entry("SLACK_SERVICE_PORT", String.valueOf(slackPort)),
        Map.entry("USER_QUEUE_HTTP_PORT", "0"),
        Map.entry("PG_SCHEMA", unique),
        Map.entry("EVENTS_EXCHANGE", unique + ".events"),
        Map.entry("SLACK_QUEUE", unique + ".slack"),
        Map.entry("USER_QUEUE", unique + ".user"),
        Map.entry("REDIS_KEY_PREFIX", keyPrefix))), Role.parse(List.of()))
      .await(60, TimeUnit.SECONDS);
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close().await(10, TimeUnit.SECONDS);
    }
    if (stack != null) {
      stack.close().await(20, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("The latency probe stamps every user's websocket frame and slack message, with sane percentiles")
  void latencyProbeMeasuresEveryEvent() throws Exception {
    JsonObject result = new LatencyProbe(client, new LatencyProbe.Options("127.0.0.1", gatewayPort, TestInfrastructure.redisUri(),
      keyPrefix, 50, 2, 0.5, tag + "-lat")).run().await(30, TimeUnit.SECONDS);

    assertThat(result.getInteger("sent")).isEqualTo(100);
    assertThat(result.getInteger("created")).isEqualTo(100);
    assertThat(result.getInteger("failed")).isZero();
    for (String figure : List.of("http", "ws", "slack")) {
      JsonObject summary = result.getJsonObject(figure);
      assertThat(summary.getLong("count")).as(figure + " count").isEqualTo(100);
      assertThat(summary.getDouble("p50")).as(figure + " p50").isPositive().isLessThanOrEqualTo(summary.getDouble("p99"));
      assertThat(summary.getDouble("p99")).as(figure + " p99").isLessThanOrEqualTo(summary.getDouble("max"));
      assertThat(summary.getDouble("max")).as(figure + " max").isLessThan(15_000);
    }
    // A frame or a message cannot come before the user was sent.
    assertThat(result.getJsonObject("ws").getDouble("p50")).isGreaterThan(0.05);
  }

  @Test
  @DisplayName("The fan-out probe sees every event reach every subscriber")
  void fanoutProbeSeesEveryFrame() throws Exception {
    JsonObject result = new FanoutProbe(client, new FanoutProbe.Options("127.0.0.1", gatewayPort, 50, 3, 100, tag + "-fan"))
      .run().await(30, TimeUnit.SECONDS);

    assertThat(result.getInteger("connected")).isEqualTo(50);
    assertThat(result.getLong("framesReceived")).isEqualTo(150);
    assertThat(result.getInteger("incompleteEvents")).isZero();
    JsonObject allReached = result.getJsonObject("allReachedFromSend");
    assertThat(allReached.getLong("count")).isEqualTo(3);
    assertThat(allReached.getDouble("p50")).isPositive().isLessThanOrEqualTo(allReached.getDouble("max"));
  }

  @Test
  @DisplayName("The loopback echo baseline measures round trips")
  void echoBaselineMeasuresRoundTrips() throws Exception {
    Latencies echo = new EchoBaseline(client).measure(200, 300).await(10, TimeUnit.SECONDS);

    assertThat(echo.count()).isGreaterThan(100);
    assertThat(echo.percentileMs(50)).isPositive().isLessThan(50);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
