package io.microservicestack.common;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The shared contracts")
class ContractsTest {

  @Test
  @DisplayName("A validation problem is RFC 9457 JSON with an errors object of field to messages")
  void problemJson() {
    JsonObject json = Problem.validation(Map.of("email", List.of("is required"))).toJson();

    assertThat(json.getInteger("status")).isEqualTo(400);
    assertThat(json.getString("title")).isEqualTo("Validation failed");
    assertThat(json.getString("detail")).contains("email");
    assertThat(json.getJsonObject("errors").getJsonArray("email").getList()).containsExactly("is required");
    assertThat(Problem.notFound("x").toJson().containsKey("errors")).isFalse();
  }

  @Test
  @DisplayName("A reply failure maps to the HTTP status a caller answers")
  void rpcStatus() {
    assertThat(Rpc.status(new ReplyException(ReplyFailure.NO_HANDLERS, "users.get"))).isEqualTo(503);
    assertThat(Rpc.status(new ReplyException(ReplyFailure.TIMEOUT, "slow"))).isEqualTo(504);
    assertThat(Rpc.status(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 404, "none"))).isEqualTo(404);
    assertThat(Rpc.status(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, -1, "odd"))).isEqualTo(502);
    assertThat(Rpc.problem(new ReplyException(ReplyFailure.NO_HANDLERS, "users.get")).detail()).contains("users.get");
  }

  @Test
  @DisplayName("JSON and +json media types are accepted as JSON bodies, with or without parameters")
  void jsonContentTypes() {
    assertThat(JsonBody.isJson("application/json")).isTrue();
    assertThat(JsonBody.isJson("Application/JSON; charset=utf-8")).isTrue();
    assertThat(JsonBody.isJson("application/merge-patch+json")).isTrue();
    assertThat(JsonBody.isJson("text/plain")).isFalse();
    assertThat(JsonBody.isJson(null)).isFalse();
  }

  @Test
  @DisplayName("A user.created event round-trips through JSON, and a malformed one says what is wrong")
  void userCreatedEvent() {
    JsonObject user = new JsonObject().put("id", 7).put("name", "Ada").put("email", "ada@example.com");
    UserCreated event = new UserCreated(UUID.randomUUID(), Instant.parse("2026-01-01T00:00:00Z"), user);

    assertThat(UserCreated.fromJson(event.toJson())).isEqualTo(event);
    assertThat(event.toJson().getString("type")).isEqualTo("user.created");
    assertThatThrownBy(() -> UserCreated.fromJson(new JsonObject().put("type", "user.created")))
      .hasMessageContaining("id");
    assertThatThrownBy(() -> UserCreated.fromJson(event.toJson().put("id", "not-a-uuid")))
      .hasMessageContaining("UUID");
    assertThatThrownBy(() -> UserCreated.fromJson(event.toJson().put("user", new JsonObject())))
      .hasMessageContaining("email");
  }

  @Test
  @DisplayName("A dead-lettered message keeps its headers and gains the reason and its queue")
  void deadLetterHeaders() {
    var original = new com.rabbitmq.client.AMQP.BasicProperties.Builder()
      .headers(Map.of("trace", "t1")).messageId("m1").build();

    var parked = DeadLetters.withReason(original, "user", "x".repeat(600));

    assertThat(parked.getHeaders()).containsEntry("trace", "t1").containsEntry("x-original-queue", "user");
    assertThat(parked.getHeaders().get(Topology.REASON_HEADER).toString()).hasSize(500);
    assertThat(parked.getMessageId()).isEqualTo("m1");
    assertThat(parked.getDeliveryMode()).isEqualTo(2);
  }
}
