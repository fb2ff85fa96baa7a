package io.microservicestack.gateway;

import io.microservicestack.common.Addresses;
import io.microservicestack.common.FeedPosition;
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
 * A stand-in for the user service on the event bus: {@code users.get}, {@code users.list}, {@code users.feed} and
 * {@code users.ping} served from an in-memory list, and {@link #create} that appends a user and publishes it on
 * {@code users.created}, as the real service does after the commit. Each user gets a transaction id in creation
 * order; {@link #createHeld} creates one whose transaction stays open until {@link #commitHeld}, so that, as in
 * PostgreSQL, {@code users.feed} releases nothing from it on until it ends. All state lives on this verticle's context.
 */
final class FakeUserBus extends VerticleBase {

  private final List<JsonObject> users = new ArrayList<>();
  /** Per user (by index), its transaction id; the feed releases users below the oldest open one. */
  private final List<Long> xids = new ArrayList<>();
  private final java.util.TreeSet<Long> open = new java.util.TreeSet<>();
  private long nextXid = 1000;
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
      vertx.eventBus().<JsonObject>consumer(Addresses.USERS_FEED, this::feed).completion(),
      vertx.eventBus().consumer(Addresses.USERS_PING, message -> message.reply(new JsonObject().put("response", "pong"))).completion());
  }

  /** Adds {@code users} users without publishing them (as if created before the test). */
  Future<Void> seed(int seeded) {
    return onContext(() -> {
      for (int i = 0; i < seeded; i++) {
        users.add(GatewayFixture.user(users.size() + 1));
        xids.add(nextXid++);
      }
      count.set(users.size());
    });
  }

  /** Appends the next user and publishes it on {@code users.created}. */
  Future<Void> create() {
    return onContext(this::createNow);
  }

  /** Appends the next user with {@code name} and publishes it. */
  Future<Void> create(String name) {
    return onContext(() -> createNow(name, false));
  }

  /** Takes the next transaction id and user id, but "commits" only at {@link #commitHeld}: nothing after it is released. */
  Future<Long> createHeld() {
    return onContext(() -> createNow(null, true)).map(v -> (long) count.get());
  }

  /** Commits every held user: they, and everything after them, become final. */
  Future<Void> commitHeld() {
    return onContext(() -> {
      for (int i = 0; i < users.size(); i++) {
        if (open.remove(xids.get(i))) {
          vertx.eventBus().publish(Addresses.USERS_CREATED, withPosition(i));
        }
      }
    });
  }

  /** The frame a client should receive for user {@code id} (its JSON with its position). */
  Future<JsonObject> frame(long id) {
    Promise<JsonObject> frame = Promise.promise();
    context.runOnContext(v -> frame.complete(withPosition((int) id - 1)));
    return frame.future();
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
    createNow(null, false);
  }

  private void createNow(String name, boolean held) {
    JsonObject user = GatewayFixture.user(users.size() + 1);
    if (name != null) {
      user.put("name", name);
    }
    long xid = nextXid++;
    users.add(user);
    xids.add(xid);
    count.set(users.size());
    if (held) {
      open.add(xid);
    } else {
      vertx.eventBus().publish(Addresses.USERS_CREATED, withPosition(users.size() - 1));
    }
  }

  private JsonObject withPosition(int index) {
    return users.get(index).copy().put("position", new FeedPosition(xids.get(index), index + 1).toString());
  }

  /** {@code users.feed}: released users (below the oldest open transaction) in position order. */
  private void feed(Message<JsonObject> message) {
    long mark = open.isEmpty() ? Long.MAX_VALUE : open.first();
    List<Integer> released = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      if (xids.get(i) < mark) {
        released.add(i);
      }
    }
    released.sort(java.util.Comparator.comparing(i -> new FeedPosition(xids.get(i), i + 1)));
    JsonArray items = new JsonArray();
    FeedPosition position;
    String after = message.body().getString("after");
    if (after == null) {
      int last = message.body().getInteger("last", 0);
      released.subList(Math.max(0, released.size() - last), released.size()).forEach(i -> items.add(withPosition(i)));
      position = released.isEmpty() ? FeedPosition.START : new FeedPosition(xids.get(released.get(released.size() - 1)), released.get(released.size() - 1) + 1);
    } else {
      position = FeedPosition.parse("after", after);
      int limit = message.body().getInteger("limit", 100);
      for (int i : released) {
        FeedPosition p = new FeedPosition(xids.get(i), i + 1);
        if (p.isAfter(position) && items.size() < limit) {
          items.add(withPosition(i));
        }
      }
      if (!items.isEmpty()) {
        position = FeedPosition.parse("position", items.getJsonObject(items.size() - 1).getString("position"));
      }
    }
    message.reply(new JsonObject().put("items", items).put("position", position.toString()));
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
      boolean committed = !open.contains(xids.get(user.getInteger("id") - 1));
      if (committed && user.getLong("id") > after && items.size() < limit) {
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
