package io.microservicestack.slack;

import io.microservicestack.common.Topology;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The slack configuration")
class SlackConfigTest {

  @Test
  @DisplayName("An empty config gives the documented defaults")
  void defaults() {
    SlackConfig config = SlackConfig.fromJson(new JsonObject());

    assertThat(config).isEqualTo(new SlackConfig("0.0.0.0", 8102, "redis://127.0.0.1:6379", 8, "slack:",
      "amqp://guest:guest@127.0.0.1:5672", 1_000, Topology.EVENTS_EXCHANGE, Topology.SLACK_USER_CREATED_QUEUE,
      5, 500, true, null, 5, 200));
  }

  @Test
  @DisplayName("Every key can be set, also as strings as the launcher passes environment variables")
  void overrides() {
    SlackConfig config = SlackConfig.fromJson(new JsonObject()
      .put("httpHost", "127.0.0.1").put("httpPort", "9000").put("redisUri", "redis://r:1").put("redisPoolSize", "3")
      .put("keyPrefix", "x:").put("amqpUri", "amqp://a").put("amqpReconnectMs", "50").put("eventsExchange", "e")
      .put("userCreatedQueue", "q").put("maxAttempts", "2").put("redeliveryDelayMs", "10").put("consumeEvents", "false")
      .put("slackWebhookUrl", "http://hook").put("slackMaxRetries", "1").put("slackBackoffMs", "7"));

    assertThat(config).isEqualTo(new SlackConfig("127.0.0.1", 9000, "redis://r:1", 3, "x:", "amqp://a", 50, "e", "q",
      2, 10, false, "http://hook", 1, 7));
    assertThat(config.redisOptions().getMaxPoolSize()).isEqualTo(3);
    assertThat(SlackConfig.fromJson(config.toJson())).as("toJson reads back to the same config").isEqualTo(config);
  }

  @Test
  @DisplayName("A blank webhook URL means no posting")
  void blankWebhookIsNull() {
    assertThat(SlackConfig.fromJson(new JsonObject().put("slackWebhookUrl", " ")).slackWebhookUrl()).isNull();
  }

  @Test
  @DisplayName("An invalid value fails with a message naming its key")
  void invalidValues() {
    assertThatThrownBy(() -> SlackConfig.fromJson(new JsonObject().put("httpPort", "eighty"))).hasMessageContaining("SLACK_HTTP_PORT (httpPort)");
    assertThatThrownBy(() -> SlackConfig.fromJson(new JsonObject().put("maxAttempts", 0))).hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> SlackConfig.fromJson(new JsonObject().put("consumeEvents", "maybe"))).hasMessageContaining("consumeEvents");
  }
}
