package io.microservicestack.gateway;

import io.microservicestack.common.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the user service on the event bus: {@code users.get}, {@code users.list} and {@code users.ping}
 * served from an in-memory list, and {@link #create} that appends a user and publishes it on
 * {@code users.created}, as the real service does after the commit. All state lives on this verticle's context.
 */
final class FakeUserBus extends VerticleBase {

  private final List<JsonObject> users = new ArrayList<>();
  private final long listDelayMs;
  final AtomicInteger listRequests = new AtomicInteger();
  /** How many users exist (readable from any thread). */
  final AtomicInteger count = new AtomicInteger();
  private long creator = -1;

  /** @param listDelayMs how long each {@code users.list} reply is held back, to widen the replay window */
  FakeUserBus(long listDelayMs) {
    this.listDelayMs = listDelayMs;
  }

  @Override
  public Future<?> start() {
    return Future.all(
      vertx.eventBus().<JsonObject>consumer(Addresses.USERS_GET, this::get).completion(),
      vertx.eventBus().<JsonObject>consumer(Addresses.USERS_LIST, this::list).completion(),
      vertx.eventBus().consumer(Addresses.USERS_PING, message -> message.reply(new JsonObject().put("response", "pong"))).completion());
  }

  /** Adds {@code users} users without publishing them (as if created before the test). */
  Future<Void> seed(int seeded) {
    return onContext(() -> {
      for (int i = 0; i < seeded; i++) {
        users.add(TestKit.user(users.size() + 1));
      }
      count.set(users.size());
    });
  }

  /** Appends the next user and publishes it on {@code users.created}. */
  Future<Void> create() {
    return onContext(this::createNow);
  }

  /** Creates {@code perTick} users every {@code periodMs} until {@link #stopCreating()}. */
  Future<Void> startCreating(int perTick, long periodMs) {
    return onContext(() -> creator = vertx.setPeriodic(periodMs, id -> {
      for (int i = 0; i < perTick; i++) {
        createNow();
      }
    }));
  }

  /** Stops the creation started by {@link #startCreating}; completes with the number of users there are then. */
  Future<Integer> stopCreating() {
    return onContext(() -> vertx.cancelTimer(creator)).map(v -> count.get());
  }

  private void createNow() {
    JsonObject user = TestKit.user(users.size() + 1);
    users.add(user);
    count.set(users.size());
    vertx.eventBus().publish(Addresses.USERS_CREATED, user);
  }

  private void get(Message<JsonObject> message) {
    long id = message.body().getLong("id");
    if (id >= 1 && id <= users.size()) {
      message.reply(users.get((int) id - 1));
    } else {
      message.fail(404, "No user with id " + id);
    }
  }

  private void list(Message<JsonObject> message) {
    listRequests.incrementAndGet();
    long after = message.body().getLong("after", 0L);
    int limit = message.body().getInteger("limit", 20);
    JsonArray items = new JsonArray();
    for (JsonObject user : users) {
      if (user.getLong("id") > after && items.size() < limit) {
        items.add(user);
      }
    }
    boolean more = !items.isEmpty() && items.getJsonObject(items.size() - 1).getLong("id") < users.size();
    JsonObject page = new JsonObject().put("items", items)
      .put("next", more ? items.getJsonObject(items.size() - 1).getLong("id") : null);
    if (listDelayMs > 0) {
      vertx.setTimer(listDelayMs, t -> message.reply(page));
    } else {
      message.reply(page);
    }
  }

  private Future<Void> onContext(Runnable action) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      action.run();
      done.complete();
    });
    return done.future();
  }
}
