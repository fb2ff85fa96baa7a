package io.microservicestack.bench;

import io.microservicestack.stack.testing.InProcessStack;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A quick check that the harness measures what it claims, against a one-JVM stack started in this JVM (servers from
 * PG_URI/REDIS_URI/AMQP_URI, or embedded). It checks that every event is counted and that the figures are ordered
 * (p50 &lt;= p99 &lt;= max), never how fast they are: speed is what bench/run.sh measures, not this test.
 */
@DisplayName("The benchmark probes, against an in-process stack")
class HarnessSmokeTest {

  private static InProcessStack stack;
  private static Vertx client;
  private static String tag;

  @BeforeAll
  static void startStack() {
    stack = InProcessStack.start("bench");
    tag = stack.redisKeyPrefix().replace("_", "-").replace(":", "");
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close().await(10, TimeUnit.SECONDS);
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @DisplayName("The latency probe stamps every user's websocket frame and slack message, with sane percentiles")
  void latencyProbeMeasuresEveryEvent() throws Exception {
    JsonObject result = new LatencyProbe(client, new LatencyProbe.Options("127.0.0.1", stack.gatewayPort(), stack.redisUri(),
      stack.redisKeyPrefix(), 50, 2, 0.5, tag + "-lat", stack.amqpUri(), stack.eventsExchange())).run().await(30, TimeUnit.SECONDS);

    assertThat(result.getInteger("sent")).isEqualTo(100);
    assertThat(result.getInteger("created")).isEqualTo(100);
    assertThat(result.getInteger("failed")).isZero();
    assertThat(result.getDouble("probeCpuSeconds")).as("the probe's own CPU").isPositive();
    for (String figure : List.of("http", "ws", "slack", "broker", "slackAfterBroker")) {
      JsonObject summary = result.getJsonObject(figure);
      assertThat(summary.getLong("count")).as(figure + " count").isEqualTo(100);
      assertThat(summary.getDouble("p50")).as(figure + " p50").isPositive().isLessThanOrEqualTo(summary.getDouble("p99"));
      assertThat(summary.getDouble("p99")).as(figure + " p99").isLessThanOrEqualTo(summary.getDouble("max"));
    }
    // A frame or a message cannot come before the user was sent.
    assertThat(result.getJsonObject("ws").getDouble("p50")).isGreaterThan(0.05);
    // The broker delivers the event before the slack service can have written its message.
    assertThat(result.getJsonObject("broker").getDouble("p50")).isGreaterThan(0.05)
      .isLessThan(result.getJsonObject("slack").getDouble("p99"));
  }

  @Test
  @DisplayName("The fan-out probe sees every event reach every subscriber")
  void fanoutProbeSeesEveryFrame() throws Exception {
    JsonObject result = new FanoutProbe(client, new FanoutProbe.Options("127.0.0.1", stack.gatewayPort(), 50, 3, 100, tag + "-fan"))
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

    // How many round trips fit into the 300 ms depends on the machine's load: that some were measured does not.
    assertThat(echo.count()).isPositive();
    assertThat(echo.percentileMs(50)).isPositive().isLessThanOrEqualTo(echo.percentileMs(99));
  }
}
