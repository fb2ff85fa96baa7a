package io.microservicestack.stack;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.microservicestack.common.Topology;
import io.microservicestack.common.testing.TestInfrastructure;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@DisplayName("The dead-letter tool (java -jar stack.jar dlq ...), against the real RabbitMQ")
class DeadLetterToolTest {

  private static final byte[] NOT_UTF8 = {'{', (byte) 0xFF, '}'};

  private final String queue = TestInfrastructure.unique("dlqtool");
  private Connection connection;
  private Channel channel;

  @BeforeEach
  void park() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(TestInfrastructure.amqpUri());
    connection = factory.newConnection("dlq tool test");
    channel = connection.createChannel();
    channel.queueDeclare(queue, true, false, false, null);
    channel.queueDeclare(Topology.dlq(queue), true, false, false, null);
    channel.confirmSelect();
    parkMessage("first", "{\"name\":\"a\"}".getBytes(StandardCharsets.UTF_8), "400 Validation failed: name");
    parkMessage("second", "{\"name\":\"b\"}".getBytes(StandardCharsets.UTF_8), "409 Conflict");
    parkMessage(null, NOT_UTF8, "400 Bad Request: The command is not valid UTF-8");
    channel.waitForConfirmsOrDie(5_000);
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (String name : List.of(queue, Topology.dlq(queue))) {
      // a channel each: deleting a queue that is gone closes the channel
      try (Channel deleting = connection.createChannel()) {
        deleting.queueDelete(name);
      } catch (java.io.IOException | com.rabbitmq.client.AlreadyClosedException e) {
        // already deleted by the test
      }
    }
    connection.close();
  }

  @Test
  @DisplayName("list prints every parked message with its id, reason, original queue and body, and takes none away")
  void lists() throws Exception {
    List<JsonObject> listed = jsonLines(run("list", "--queue", queue));

    assertThat(listed).hasSize(3);
    assertThat(listed.get(0)).isEqualTo(new JsonObject().put("id", "first").put("reason", "400 Validation failed: name")
      .put("originalQueue", queue).put("body", "{\"name\":\"a\"}"));
    assertThat(listed.get(2).getString("id")).startsWith("sha256:");
    assertThat(listed.get(2).getString("bodyBase64")).isEqualTo("e/99");
    awaitCounts(0, 3);
  }

  @Test
  @DisplayName("replay --id moves that message back to its queue, as it was sent and without the parking headers; the others stay parked")
  void replaysOne() throws Exception {
    String output = run("replay", "--queue", Topology.dlq(queue), "--id", "second");

    assertThat(output).contains("replayed 1 message(s)");
    awaitCounts(1, 2);
    GetResponse replayed = channel.basicGet(queue, true);
    assertThat(new String(replayed.getBody(), StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"b\"}");
    assertThat(replayed.getProps().getMessageId()).isEqualTo("second");
    assertThat(replayed.getProps().getHeaders()).doesNotContainKeys(Topology.REASON_HEADER, "x-original-queue").containsKey("trace");
    assertThat(jsonLines(run("list", "--queue", queue))).extracting(j -> j.getString("id")).doesNotContain("second").hasSize(2);
  }

  @Test
  @DisplayName("drop --id deletes that message only, printing it first; replay --all moves the rest back, none lost or doubled")
  void dropsOneAndReplaysTheRest() throws Exception {
    String hashId = jsonLines(run("list", "--queue", queue)).get(2).getString("id");

    assertThat(run("drop", "--queue", queue, "--id", hashId)).contains("\"dropped\":true").contains("dropped 1 message(s)");
    awaitCounts(0, 2);
    assertThat(run("replay", "--queue", queue, "--all")).contains("replayed 2 message(s)");
    awaitCounts(2, 0);
    List<String> bodies = new ArrayList<>();
    for (GetResponse m = channel.basicGet(queue, true); m != null; m = channel.basicGet(queue, true)) {
      bodies.add(new String(m.getBody(), StandardCharsets.UTF_8));
    }
    assertThat(bodies).containsExactly("{\"name\":\"a\"}", "{\"name\":\"b\"}");
  }

  @Test
  @DisplayName("replay to a queue that is gone fails and leaves every message in the DLQ")
  void keepsWhatItCannotReplay() throws Exception {
    channel.queueDelete(queue);

    assertThatThrownBy(() -> run("replay", "--queue", queue, "--all")).isInstanceOf(java.io.IOException.class);
    awaitDlqCount(3);
  }

  @Test
  @DisplayName("Bad arguments are refused, saying what is wrong, before touching the broker")
  void badArguments() {
    assertThatThrownBy(() -> run("replay", "--queue", queue)).hasMessageContaining("exactly one of --id <message-id> and --all");
    assertThatThrownBy(() -> run("list")).hasMessageContaining("--queue is required");
    assertThatThrownBy(() -> run("purge", "--queue", queue)).hasMessageContaining("Usage:");
    assertThatThrownBy(() -> run("drop", "--queue", queue, "--all", "--id", "x")).hasMessageContaining("exactly one of");
  }

  private void parkMessage(String messageId, byte[] body, String reason) throws Exception {
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId(messageId).deliveryMode(2)
      .headers(Map.of(Topology.REASON_HEADER, reason, "x-original-queue", queue, "trace", "kept")).build();
    channel.basicPublish("", Topology.dlq(queue), properties, body);
  }

  private String run(String... args) throws Exception {
    StringWriter out = new StringWriter();
    int status = DeadLetterTool.run(args, Map.of("AMQP_URI", TestInfrastructure.amqpUri()), new PrintWriter(out, true));
    assertThat(status).isZero();
    return out.toString();
  }

  private static List<JsonObject> jsonLines(String output) {
    return output.lines().filter(line -> line.startsWith("{")).map(JsonObject::new).toList();
  }

  private void awaitCounts(long queued, long parked) {
    await("messages in " + queue + " and its DLQ").atMost(Duration.ofSeconds(10))
      .until(() -> channel.messageCount(queue) == queued && channel.messageCount(Topology.dlq(queue)) == parked);
  }

  private void awaitDlqCount(long parked) {
    await("messages in the DLQ").atMost(Duration.ofSeconds(10)).until(() -> channel.messageCount(Topology.dlq(queue)) == parked);
  }
}
