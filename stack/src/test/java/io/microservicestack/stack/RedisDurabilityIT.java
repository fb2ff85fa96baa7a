package io.microservicestack.stack;

import io.microservicestack.common.UserCreated;
import io.microservicestack.common.testing.Await;
import io.microservicestack.stack.testing.InProcessStack;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import io.vertx.rabbitmq.RabbitMQOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the slack service's messages survive: Redis killed with SIGKILL right after a burst of created users, then
 * started again on its append-only file (docs/hardening.md, "Durability"). The slack consumer acks a
 * {@code user.created} event once Redis has answered the write, so every acked event's message must be there after the
 * restart; an event not acked yet is still in the queue, and would be written again when Redis is back.
 *
 * <p>The stack runs in this JVM on a redis-server of the test's own; it is stopped after the kill and before the
 * restart, so nothing can write a message again after the restart: what is in Redis then is only what its file kept.
 */
@DisplayName("Redis durability: killed with SIGKILL after a burst, restarted on its append-only file")
class RedisDurabilityIT {

  private static final int USERS = 300;
  private static final Duration PROCESSED = Duration.ofSeconds(90);

  private final Vertx vertx = Vertx.vertx();
  private RedisServerProcess redis;
  private InProcessStack stack;

  @BeforeEach
  void redisServerInstalled() {
    RedisServerProcess.assumeInstalled();
  }

  @AfterEach
  void stopEverything() throws Exception {
    try {
      if (stack != null) {
        stack.close();
      }
    } finally {
      if (redis != null) {
        redis.close();
      }
      Await.result(vertx.close(), "closing the test's Vert.x");
    }
  }

  @ParameterizedTest(name = "appendfsync {0}")
  @ValueSource(strings = {"always", "everysec"})
  @DisplayName("Every message whose event was acked is in Redis after SIGKILL and restart, exactly once")
  void everyAckedMessageSurvives(String appendfsync) throws Exception {
    redis = RedisServerProcess.start(appendfsync);
    stack = InProcessStack.start("redis_aof", Map.of("REDIS_URI", redis.uri()));
    String key = stack.redisKeyPrefix() + "messages:#user";

    List<String> emails = burst(USERS);
    Redis client = Redis.createClient(vertx, redis.uri());
    await("a #user message for each of the " + USERS + " users").atMost(PROCESSED).pollInterval(Duration.ofMillis(20))
      .until(() -> Await.result(client.send(Request.cmd(Command.LLEN).arg(key)), "LLEN").toLong() == USERS);

    redis.kill();
    Await.result(stack.running().close(), "stopping the stack");
    Set<String> notAcked = eventsLeftIn(stack.slackQueue());
    redis.restart();
    List<String> kept = messages(Redis.createClient(vertx, redis.uri()), key);

    Map<String, Integer> perEmail = new HashMap<>();
    kept.forEach(message -> perEmail.merge(message, 1, Integer::sum));
    List<String> acked = emails.stream().filter(email -> !notAcked.contains(email)).toList();
    assertThat(acked).as("events acked before the kill").isNotEmpty();
    assertThat(acked).as("acked events whose message is missing after the restart")
      .filteredOn(email -> !perEmail.containsKey("User " + email + " created")).isEmpty();
    assertThat(perEmail).as("messages stored twice").allSatisfy((message, count) -> assertThat(count).as(message).isEqualTo(1));
  }

  /** Creates {@code count} users through the gateway, 8 at a time; every one must be a 201. */
  private List<String> burst(int count) throws Exception {
    ExecutorService posters = Executors.newFixedThreadPool(8);
    try {
      List<String> emails = new ArrayList<>();
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String email = stack.schema() + "-" + i + "@example.com";
        emails.add(email);
        answers.add(posters.submit(() -> StackProcess.postJson(stack.gatewayUrl() + "/user",
          new JsonObject().put("name", "durable " + email).put("email", email).encode())));
      }
      for (Future<HttpResponse<String>> answer : answers) {
        HttpResponse<String> created = answer.get();
        assertThat(created.statusCode()).as("POST /user answered %s", created.body()).isEqualTo(201);
      }
      return emails;
    } finally {
      posters.shutdownNow();
    }
  }

  /**
   * The emails of the events still in {@code queue}, taken out of it: with the stack stopped, the broker has put every
   * delivery that was not acked back in the queue.
   */
  private Set<String> eventsLeftIn(String queue) {
    RabbitMQClient rabbit = RabbitMQClient.create(vertx, new RabbitMQOptions().setUri(stack.amqpUri()));
    Await.result(rabbit.start(), "connecting to RabbitMQ");
    try {
      Set<String> emails = new HashSet<>();
      for (RabbitMQMessage message = Await.result(rabbit.basicGet(queue, true), "basic.get"); message != null;
           message = Await.result(rabbit.basicGet(queue, true), "basic.get")) {
        emails.add(UserCreated.fromJson(new JsonObject(message.body())).user().getString("email"));
      }
      return emails;
    } finally {
      Await.result(rabbit.stop(), "closing the RabbitMQ client");
    }
  }

  /** The {@code message} of every entry of the list at {@code key}. */
  private static List<String> messages(Redis client, String key) {
    Response list = Await.result(client.send(Request.cmd(Command.LRANGE).arg(key).arg(0).arg(-1)), "LRANGE " + key);
    List<String> messages = new ArrayList<>();
    list.forEach(entry -> messages.add(new JsonObject(Buffer.buffer(entry.toBytes())).getString("message")));
    return messages;
  }
}
