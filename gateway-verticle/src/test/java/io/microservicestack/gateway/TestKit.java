package io.microservicestack.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

import java.time.Duration;

/**
 * The old name of {@link GatewayFixture}, kept only for the feed tests ({@code UserFeedTest}, {@code FakeUserBus},
 * {@code FeedProbe}) until they are rewritten against {@link GatewayFixture}; delete it then.
 *
 * @deprecated use {@link GatewayFixture}, and Awaitility's {@code await("what").atMost(...)} instead of {@link #within}
 */
@Deprecated
final class TestKit {

  private TestKit() {
  }

  static <T> T await(Future<T> future) {
    return GatewayFixture.await(future);
  }

  static JsonObject config(Vertx vertx) {
    return GatewayFixture.config(vertx);
  }

  static GatewayVerticle deploy(Vertx vertx, JsonObject config) {
    return GatewayFixture.deploy(vertx, config);
  }

  static JsonObject user(long id) {
    return GatewayFixture.user(id);
  }

  /** Awaitility polling every 10 ms (from the start) for at most {@code seconds}. */
  static ConditionFactory within(int seconds) {
    return Awaitility.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(seconds));
  }
}
