package io.microservicestack.gateway;

import io.microservicestack.common.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static io.microservicestack.gateway.TestKit.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static io.microservicestack.gateway.TestKit.within;

@ExtendWith(VertxExtension.class)
@DisplayName("The websocket feed /ws/users")
class UserFeedTest {

  private Vertx vertx;
  private WebSocketClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(1_000).setMaxMessageSize(1 << 20));
  }

  @Test
  @DisplayName("A connected client gets each user published on users.created as one JSON text frame, as published.")
  void liveFrame() {
    FakeUserBus bus = deployBus(0);
    int port = gateway(new JsonObject());
    FeedProbe probe = TestKit.await(FeedProbe.connect(client, port, "/ws/users"));

    TestKit.await(bus.create());
    TestKit.await(bus.create());

    within(5).until(() -> probe.users.size() == 2);
    assertThat(probe.users).containsExactly(TestKit.user(1), TestKit.user(2));
  }

  @Test
  @DisplayName("Clients resuming with since while users are being created get every later user exactly once, in id order.")
  void resumeWhileCreating() {
    FakeUserBus bus = deployBus(3);
    TestKit.await(bus.seed(300));
    int port = gateway(new JsonObject());
    Map<Long, FeedProbe> probes = new LinkedHashMap<>();
    probes.put(300L, TestKit.await(FeedProbe.connect(client, port, "/ws/users")));

    TestKit.await(bus.startCreating(1, 1));
    for (long since : new long[] {0, 150, 320, 480, 640}) {
      within(10).until(() -> bus.count.get() > since);
      probes.put(since, TestKit.await(FeedProbe.connect(client, port, "/ws/users?since=" + since)));
    }
    int afterLastConnect = bus.count.get();
    within(10).until(() -> bus.count.get() > afterLastConnect + 100);
    int total = TestKit.await(bus.stopCreating());

    probes.forEach((since, probe) -> {
      within(20).until(() -> probe.users.size() >= total - since);
      assertThat(probe.ids()).as("since=%d", since).containsExactlyElementsOf(range(since + 1, total));
    });
  }

  @Test
  @DisplayName("A user replayed from history whose users.created arrives late is not sent twice, and live ids out of order each arrive once.")
  void noDuplicateAtTheSeam() {
    FakeUserBus bus = deployBus(0);
    TestKit.await(bus.seed(6));
    int port = gateway(new JsonObject());
    FeedProbe probe = TestKit.await(FeedProbe.connect(client, port, "/ws/users?since=2"));
    within(5).until(() -> probe.users.size() == 4);

    publish(TestKit.user(6));
    publish(TestKit.user(9));
    publish(TestKit.user(8));
    publish(TestKit.user(9));
    publish(TestKit.user(10));

    within(5).until(() -> probe.ids().contains(10L));
    assertThat(probe.ids()).containsExactly(3L, 4L, 5L, 6L, 9L, 8L, 10L);
  }

  @ParameterizedTest(name = "since={0}")
  @ValueSource(strings = {"abc", "-1", "1.5", ""})
  @DisplayName("A since that is not a non-negative integer is refused with 400 before the upgrade.")
  void badSince(String since) {
    deployBus(0);
    int port = gateway(new JsonObject());

    Throwable failure = catchThrowable(() -> TestKit.await(FeedProbe.connect(client, port, "/ws/users?since=" + since)));

    assertThat(failure).isInstanceOf(UpgradeRejectedException.class);
    assertThat(((UpgradeRejectedException) failure).getStatus()).isEqualTo(400);
  }

  @Test
  @DisplayName("200 clients connected at once each get every event.")
  void manyClients() {
    FakeUserBus bus = deployBus(0);
    TestKit.await(bus.seed(1));
    int port = gateway(new JsonObject());
    List<Future<FeedProbe>> connecting = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      connecting.add(FeedProbe.connect(client, port, "/ws/users?since=0"));
    }
    List<FeedProbe> probes = TestKit.await(Future.all(connecting)).list();
    within(10).until(() -> probes.stream().allMatch(p -> p.users.size() == 1));

    for (int i = 0; i < 5; i++) {
      TestKit.await(bus.create());
    }

    within(10).until(() -> probes.stream().allMatch(p -> p.users.size() == 6));
    probes.forEach(p -> assertThat(p.ids()).containsExactlyElementsOf(range(1, 6)));
  }

  @Test
  @DisplayName("A client that stops reading is closed with 1008 and a reason telling the since to resume with, and can resume with it.")
  void slowClient() {
    FakeUserBus bus = deployBus(0);
    int port = gateway(new JsonObject().put("wsMaxBuffered", 8));
    FeedProbe slow = TestKit.await(FeedProbe.connect(client, port, "/ws/users"));
    FeedProbe fast = TestKit.await(FeedProbe.connect(client, port, "/ws/users"));
    slow.socket.pause();
    String bigName = "x".repeat(200_000);
    int published = 150;
    // Publish in step with the fast client, so only the paused one falls behind.
    fast.listener = user -> {
      long next = user.getLong("id") + 1;
      if (next <= published) {
        publish(TestKit.user(next).put("name", bigName));
      }
    };

    publish(TestKit.user(1).put("name", bigName));
    within(20).until(() -> fast.users.size() == published);
    slow.socket.resume();

    within(10).until(() -> slow.closed);
    assertThat(slow.closeCode).isEqualTo((short) 1008);
    long lastSeen = slow.ids().get(slow.ids().size() - 1);
    assertThat(slow.closeReason).isEqualTo("too slow: resume with ?since=" + lastSeen);
    assertThat(slow.ids()).containsExactlyElementsOf(range(1, lastSeen)).hasSizeLessThan(published);
    assertThat(fast.closed).isFalse();
  }

  @Test
  @DisplayName("When users.list fails during the replay, the client is closed with 1011 and a reason.")
  void historyFails() {
    await(vertx.eventBus().consumer(Addresses.USERS_LIST, message -> message.fail(500, "database down")).completion());
    int port = gateway(new JsonObject());

    FeedProbe probe = TestKit.await(FeedProbe.connect(client, port, "/ws/users?since=0"));

    within(5).until(() -> probe.closed);
    assertThat(probe.closeCode).isEqualTo((short) 1011);
    assertThat(probe.closeReason).isEqualTo("history unavailable: database down");
  }

  @Test
  @DisplayName("An idle client gets a websocket ping every wsPingIntervalMs.")
  void pings() {
    deployBus(0);
    int port = gateway(new JsonObject().put("wsPingIntervalMs", 100));

    FeedProbe probe = TestKit.await(FeedProbe.connect(client, port, "/ws/users"));

    within(5).until(() -> probe.pings.get() >= 3);
    assertThat(probe.closed).isFalse();
  }

  @Test
  @DisplayName("A client that stops reading altogether (no pong to the pings) is disconnected, while a reading one stays.")
  void stuckClientIsDisconnected() {
    deployBus(0);
    int port = gateway(new JsonObject().put("wsPingIntervalMs", 100).put("proxyTimeoutMs", 100));
    FeedProbe stuck = TestKit.await(FeedProbe.connect(client, port, "/ws/users"));
    FeedProbe reading = TestKit.await(FeedProbe.connect(client, port, "/ws/users"));

    stuck.socket.pause();

    within(10).until(() -> stuck.closed);
    assertThat(reading.closed).isFalse();
    assertThat(reading.pings.get()).isGreaterThan(3);
  }

  private void publish(JsonObject user) {
    vertx.eventBus().publish(Addresses.USERS_CREATED, user);
  }

  private FakeUserBus deployBus(long listDelayMs) {
    FakeUserBus bus = new FakeUserBus(listDelayMs);
    TestKit.await(vertx.deployVerticle(bus));
    return bus;
  }

  private int gateway(JsonObject overrides) {
    return TestKit.deploy(vertx, TestKit.config(vertx).mergeIn(overrides)).actualPort();
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
  }
}
