package io.microservicestack.gateway;

import io.microservicestack.common.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static io.microservicestack.gateway.GatewayFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

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
    FeedProbe probe = GatewayFixture.await(FeedProbe.connect(client, port, "/ws/users"));

    GatewayFixture.await(bus.create());
    GatewayFixture.await(bus.create());

    await("the feed frames").atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> probe.users.size() == 2);
    assertThat(probe.users).containsExactly(GatewayFixture.await(bus.frame(1)), GatewayFixture.await(bus.frame(2)));
    assertThat(probe.users.get(0).getString("position")).isNotBlank();
  }

  @Test
  @DisplayName("A user whose transaction is still open holds back every later one: they arrive after it, in position order, and a client that left in between resumes without a gap or a duplicate.")
  void heldBackUserComesFirst() {
    FakeUserBus bus = deployBus(0);
    GatewayFixture.await(bus.seed(2));
    int port = gateway(new JsonObject());
    FeedProbe live = GatewayFixture.await(FeedProbe.connect(client, port, "/ws/users"));
    FeedProbe leaving = GatewayFixture.await(FeedProbe.connect(client, port, "/ws/users?last=2"));
    await("the feed frames").atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> leaving.users.size() == 2);

    GatewayFixture.await(bus.createHeld());
    GatewayFixture.await(bus.create());
    GatewayFixture.await(bus.create());
    String resumeAt = leaving.users.get(leaving.users.size() - 1).getString("position");
    GatewayFixture.await(leaving.socket.close());
    GatewayFixture.await(bus.commitHeld());
    FeedProbe resumed = GatewayFixture.await(FeedProbe.connect(client, port, "/ws/users?resume=" + resumeAt));

    await("the feed frames").atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> live.users.size() == 3 && resumed.users.size() == 3);
    assertThat(live.ids()).containsExactly(3L, 4L, 5L);
    assertThat(resumed.ids()).containsExactly(3L, 4L, 5L);
    assertThat(leaving.ids()).containsExactly(1L, 2L);
  }

  @Test
  @DisplayName("A user created while the gateway was still learning where the feed ends (the user service came up after it) reaches a client connected before.")
  void userServiceComesUpLate() {
    int port = gateway(new JsonObject());
    FeedProbe early = GatewayFixture.await(FeedProbe.connect(client, port, "/ws/users"));
    FakeUserBus bus = deployBus(0);

    GatewayFixture.await(bus.create());

    await("the frame of the user created as the user service came up").atMost(Duration.ofSeconds(5)).until(() -> early.users.size() == 1);
    assertThat(early.ids()).containsExactly(1L);
  }

  @Test
  @DisplayName("Clients resuming by position while users are being created get every later user exactly once, in order; last=n starts with the latest n.")
  void resumeByPositionWhileCreating() {
    FakeUserBus bus = deployBus(0);
    GatewayFixture.await(bus.seed(300));
    int port = gateway(new JsonObject());
    Map<Long, FeedProbe> probes = new LinkedHashMap<>();
    GatewayFixture.await(bus.startCreating(1, 1));
    for (long after : new long[] {0, 150, 320, 480}) {
      await("the feed frames").atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> bus.count.get() > after);
      String position = after == 0 ? "0-0" : GatewayFixture.await(bus.frame(after)).getString("position");
      probes.put(after, GatewayFixture.await(FeedProbe.connect(client, port, "/ws/users?resume=" + position)));
    }
    FeedProbe latest = GatewayFixture.await(FeedProbe.connect(client, port, "/ws/users?last=5"));
    int afterLastConnect = bus.count.get();
    await("the feed frames").atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> bus.count.get() > afterLastConnect + 100);
    int total = GatewayFixture.await(bus.stopCreating());

    probes.forEach((after, probe) -> {
      await("the feed frames").atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> probe.users.size() >= total - after);
      assertThat(probe.ids()).as("after user %d", after).containsExactlyElementsOf(range(after + 1, total));
    });
    await("the feed frames").atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> latest.ids().contains((long) total));
    List<Long> ids = latest.ids();
    assertThat(ids).containsExactlyElementsOf(range(ids.get(0), total));
    assertThat(ids.get(0)).isLessThanOrEqualTo(afterLastConnect);
  }

  @Test
  @DisplayName("Clients resuming with since while users are being created get every later user exactly once, in id order.")
  void resumeWhileCreating() {
    FakeUserBus bus = deployBus(3);
    GatewayFixture.await(bus.seed(300));
    int port = gateway(new JsonObject());
    Map<Long, FeedProbe> probes = new LinkedHashMap<>();
    probes.put(300L, GatewayFixture.await(FeedProbe.connect(client, port, "/ws/users")));

    GatewayFixture.await(bus.startCreating(1, 1));
    for (long since : new long[] {0, 150, 320, 480, 640}) {
      await("the feed frames").atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> bus.count.get() > since);
      probes.put(since, GatewayFixture.await(FeedProbe.connect(client, port, "/ws/users?since=" + since)));
    }
    int afterLastConnect = bus.count.get();
    await("the feed frames").atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> bus.count.get() > afterLastConnect + 100);
    int total = GatewayFixture.await(bus.stopCreating());

    probes.forEach((since, probe) -> {
      await("the feed frames").atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> probe.users.size() >= total - since);
      assertThat(probe.ids()).as("since=%d", since).containsExactlyElementsOf(range(since + 1, total));
    });
  }

  @ParameterizedTest(name = "since={0}")
  @ValueSource(strings = {"abc", "-1", "1.5", ""})
  @DisplayName("A since that is not a non-negative integer is refused with 400 before the upgrade.")
  void badSince(String since) {
    deployBus(0);
    int port = gateway(new JsonObject());

    Throwable failure = catchThrowable(() -> GatewayFixture.await(FeedProbe.connect(client, port, "/ws/users?since=" + since)));

    assertThat(GatewayFixture.refusedUpgrade(failure, "/ws/users?since=" + since)).isEqualTo(400);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"resume=abc", "resume=12", "resume=1-x", "last=0", "last=101", "last=5&since=3", "resume=1-1&last=2"})
  @DisplayName("A resume that is not a position, a last outside 1-100, or two ways to resume at once is refused with 400 before the upgrade.")
  void badResume(String query) {
    deployBus(0);
    int port = gateway(new JsonObject());

    Throwable failure = catchThrowable(() -> GatewayFixture.await(FeedProbe.connect(client, port, "/ws/users?" + query)));

    assertThat(GatewayFixture.refusedUpgrade(failure, "/ws/users?" + query)).isEqualTo(400);
  }

  @Test
  @DisplayName("200 clients connected at once each get every event.")
  void manyClients() {
    FakeUserBus bus = deployBus(0);
    GatewayFixture.await(bus.seed(1));
    int port = gateway(new JsonObject());
    List<Future<FeedProbe>> connecting = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      connecting.add(FeedProbe.connect(client, port, "/ws/users?since=0"));
    }
    List<FeedProbe> probes = GatewayFixture.await(Future.all(connecting)).list();
    await("the feed frames").atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> probes.stream().allMatch(p -> p.users.size() == 1));

    for (int i = 0; i < 5; i++) {
      GatewayFixture.await(bus.create());
    }

    await("the feed frames").atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> probes.stream().allMatch(p -> p.users.size() == 6));
    probes.forEach(p -> assertThat(p.ids()).containsExactlyElementsOf(range(1, 6)));
  }

  @Test
  @DisplayName("A client that stops reading is closed with 1008 and a reason telling the position to resume with, and resuming with it gets the rest.")
  void slowClient() {
    FakeUserBus bus = deployBus(0);
    int port = gateway(new JsonObject().put("wsMaxBuffered", 8));
    FeedProbe slow = GatewayFixture.await(FeedProbe.connect(client, port, "/ws/users"));
    FeedProbe fast = GatewayFixture.await(FeedProbe.connect(client, port, "/ws/users"));
    slow.socket.pause();
    String bigName = "x".repeat(200_000);
    int published = 150;
    // Create in step with the fast client, so only the paused one falls behind.
    fast.listener = user -> {
      if (user.getLong("id") < published) {
        bus.create(bigName);
      }
    };

    GatewayFixture.await(bus.create(bigName));
    await("the feed frames").atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> fast.users.size() == published);
    slow.socket.resume();

    await("the feed frames").atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> slow.closed);
    assertThat(slow.closeCode).isEqualTo((short) 1008);
    JsonObject lastSeen = slow.users.get(slow.users.size() - 1);
    assertThat(slow.closeReason).isEqualTo("too slow: resume with ?resume=" + lastSeen.getString("position"));
    assertThat(slow.ids()).containsExactlyElementsOf(range(1, lastSeen.getLong("id"))).hasSizeLessThan(published);
    assertThat(fast.closed).isFalse();
    FeedProbe resumed = GatewayFixture.await(FeedProbe.connect(client, port, "/ws/users?resume=" + lastSeen.getString("position")));
    await("the feed frames").atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> resumed.users.size() == published - lastSeen.getLong("id"));
    assertThat(resumed.ids()).containsExactlyElementsOf(range(lastSeen.getLong("id") + 1, published));
  }

  @Test
  @DisplayName("When users.list fails during the replay, the client is closed with 1011 and a reason.")
  void historyFails() {
    await(vertx.eventBus().consumer(Addresses.USERS_LIST, message -> message.fail(500, "database down")).completion());
    int port = gateway(new JsonObject());

    FeedProbe probe = GatewayFixture.await(FeedProbe.connect(client, port, "/ws/users?since=0"));

    await("the feed frames").atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> probe.closed);
    assertThat(probe.closeCode).isEqualTo((short) 1011);
    assertThat(probe.closeReason).isEqualTo("history unavailable: database down");
  }

  @Test
  @DisplayName("An idle client gets a websocket ping every wsPingIntervalMs.")
  void pings() {
    deployBus(0);
    int port = gateway(new JsonObject().put("wsPingIntervalMs", 100));

    FeedProbe probe = GatewayFixture.await(FeedProbe.connect(client, port, "/ws/users"));

    await("the feed frames").atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> probe.pings.get() >= 3);
    assertThat(probe.closed).isFalse();
  }

  @Test
  @DisplayName("A client that stops reading altogether (no pong to the pings) is disconnected, while a reading one stays.")
  void stuckClientIsDisconnected() {
    // Long enough that a handshake on a loaded machine finishes before the idle timeout (600 ms) could close it.
    deployBus(0);
    int port = gateway(new JsonObject().put("wsPingIntervalMs", 300).put("proxyTimeoutMs", 300));
    FeedProbe stuck = GatewayFixture.await(FeedProbe.connect(client, port, "/ws/users"));
    FeedProbe reading = GatewayFixture.await(FeedProbe.connect(client, port, "/ws/users"));

    stuck.socket.pause();

    await("the feed frames").atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> stuck.closed);
    assertThat(reading.closed).isFalse();
    assertThat(reading.pings.get()).isGreaterThan(3);
  }

  private FakeUserBus deployBus(long listDelayMs) {
    FakeUserBus bus = new FakeUserBus(listDelayMs);
    GatewayFixture.await(vertx.deployVerticle(bus));
    return bus;
  }

  private int gateway(JsonObject overrides) {
    return GatewayFixture.deploy(vertx, GatewayFixture.config(vertx).mergeIn(overrides)).actualPort();
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
  }
}
