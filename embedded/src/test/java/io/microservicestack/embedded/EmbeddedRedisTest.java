package io.microservicestack.embedded;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(VertxExtension.class)
class EmbeddedRedisTest {

  private static final long TIMEOUT_S = 10;
  /** The shape of the slack service's script: push once per event id, remember the id. */
  private static final String ADD_ONCE = """
    if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
    redis.call('LPUSH', KEYS[2], ARGV[1])
    redis.call('SET', KEYS[1], '1', 'EX', 60)
    return 1
    """;

  @Test
  @DisplayName("An embedded Redis on 127.0.0.1 serves vertx-redis-client: LPUSH, LRANGE and a Lua script with EVAL")
  void servesTheRedisClient(Vertx vertx) throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.start()) {
      assertThat(redis.description()).startsWith("Redis 6.2");
      assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
      Redis client = Redis.createClient(vertx, redis.uri());
      RedisAPI api = RedisAPI.api(client);
      try {
        api.lpush(List.of("messages", "first", "second")).await(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(strings(api.lrange("messages", "0", "-1").await(TIMEOUT_S, TimeUnit.SECONDS)))
          .containsExactly("second", "first");

        List<String> args = List.of(ADD_ONCE, "2", "processed:e1", "messages", "third");
        assertThat(api.eval(args).await(TIMEOUT_S, TimeUnit.SECONDS).toInteger()).isEqualTo(1);
        assertThat(api.eval(args).await(TIMEOUT_S, TimeUnit.SECONDS).toInteger()).isZero();
        assertThat(strings(api.lrange("messages", "0", "-1").await(TIMEOUT_S, TimeUnit.SECONDS)))
          .containsExactly("third", "second", "first");
      } finally {
        api.close();
      }
    }
  }

  @Test
  @DisplayName("Closing stops Redis: its port refuses connections, and a second close does nothing")
  void closeStopsIt() {
    EmbeddedRedis redis = EmbeddedRedis.start();
    int port = redis.port();
    assertThat(LocalPorts.accepting(port)).isTrue();
    redis.close();
    assertThat(LocalPorts.accepting(port)).isFalse();
    redis.close();
  }

  @Test
  @DisplayName("Two embedded Redis servers get different ports")
  void twoServersTwoPorts() {
    try (EmbeddedRedis one = EmbeddedRedis.start(); EmbeddedRedis two = EmbeddedRedis.start()) {
      assertThat(one.port()).isNotEqualTo(two.port());
      assertThat(LocalPorts.accepting(one.port())).isTrue();
      assertThat(LocalPorts.accepting(two.port())).isTrue();
    }
  }

  @Test
  @DisplayName("redis-server stops when its JVM is killed without running any shutdown hook")
  void diesWithItsJvm(@TempDir Path dir) throws Exception {
    int port;
    try (ChildJvm child = ChildJvm.start(dir, "redis")) {
      port = URI.create(child.uri()).getPort();
      assertThat(LocalPorts.accepting(port)).isTrue();
      child.kill();
    }
    await("the killed child's Redis port closed").atMost(Duration.ofSeconds(10)).until(() -> !LocalPorts.accepting(port));
  }

  @Test
  @DisplayName("redis-server runs in a session of its own, so a Ctrl-C meant for the launcher does not stop it first")
  void ownSession() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.start()) {
      // redis-server rewrites its own command line: find it as the child of the watchdog shell started for the port
      ProcessHandle server = ProcessHandle.current().children()
        .filter(p -> p.info().arguments().map(args -> List.of(args).contains(Integer.toString(redis.port())))
          .orElse(false))
        .flatMap(ProcessHandle::children)
        .findFirst().orElseThrow();
      assertThat(server.info().command()).hasValueSatisfying(command -> assertThat(command).contains("redis-server"));
      assertThat(session(server.pid())).isNotEqualTo(session(ProcessHandle.current().pid()));
    }
  }

  /** The session id of a Linux process, from {@code /proc/<pid>/stat}. */
  private static long session(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[3]); // state ppid pgrp session
  }

  private static List<String> strings(Response response) {
    List<String> strings = new ArrayList<>();
    response.forEach(item -> strings.add(item.toString()));
    return strings;
  }
}
