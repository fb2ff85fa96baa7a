package io.microservicestack.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stamps, without polling, the moment each new element is pushed onto a Redis list.
 *
 * <p>It turns keyspace notifications on for lists ({@code CONFIG SET notify-keyspace-events} with {@code K} and
 * {@code l} added to the current flags; {@link #close()} restores the old value) and subscribes to
 * {@code __keyspace@<db>__:<key>}. Redis publishes one {@code lpush} notification per LPUSH, in push order, so the
 * k-th notification after the start belongs to the k-th element pushed after the start: {@link #stamps()} reads
 * the new elements once at the end and pairs them with the notification times. That holds as long as every
 * LPUSH pushes one element and nothing else trims or pops the list, as for the slack service's channel lists.
 */
public final class RedisListWatcher {

  private final Redis redis;
  private final String key;
  private final List<Long> pushTimes = new ArrayList<>();
  private RedisConnection subscriber;
  private String previousFlags;
  private long startLength;

  private RedisListWatcher(Redis redis, String key) {
    this.redis = redis;
    this.key = key;
  }

  /** Subscribes to the list's notifications; completes once every later push will be seen. */
  public static Future<RedisListWatcher> start(Vertx vertx, String redisUri, String key) {
    RedisListWatcher watcher = new RedisListWatcher(Redis.createClient(vertx, new RedisOptions()
      // RESP2: CONFIG GET answers a flat array and notifications arrive as plain arrays, on any Redis version.
      .setConnectionString(redisUri).setPreferredProtocolVersion(ProtocolVersion.RESP2).setMaxPoolSize(2)), key);
    return watcher.begin(redisUri);
  }

  private Future<RedisListWatcher> begin(String redisUri) {
    String channel = "__keyspace@" + database(redisUri) + "__:" + key;
    return redis.send(Request.cmd(Command.CONFIG).arg("GET").arg("notify-keyspace-events"))
      .compose(flags -> {
        previousFlags = flags.get(1).toString();
        return redis.send(Request.cmd(Command.CONFIG).arg("SET").arg("notify-keyspace-events").arg(withFlags(previousFlags, "Kl")));
      })
      .compose(ok -> redis.connect())
      .compose(connection -> {
        subscriber = connection;
        connection.handler(this::onPush);
        return connection.send(Request.cmd(Command.SUBSCRIBE).arg(channel));
      })
      .compose(subscribed -> redis.send(Request.cmd(Command.LLEN).arg(key)))
      .map(length -> {
        startLength = length.toLong();
        return this;
      });
  }

  private void onPush(Response push) {
    long now = System.nanoTime();
    if (push.size() >= 3 && "message".equals(push.get(0).toString()) && "lpush".equals(push.get(2).toString())) {
      synchronized (pushTimes) {
        pushTimes.add(now);
      }
    }
  }

  /** Pushes seen since the start. */
  public int pushes() {
    synchronized (pushTimes) {
      return pushTimes.size();
    }
  }

  /**
   * The elements pushed since the start, each with the time (System.nanoTime) its push was notified; fails when
   * the list and the notifications disagree on the number of pushes.
   */
  public Future<Map<String, Long>> stamps() {
    return redis.send(Request.cmd(Command.LLEN).arg(key)).compose(length -> {
      long added = length.toLong() - startLength;
      List<Long> times;
      synchronized (pushTimes) {
        times = new ArrayList<>(pushTimes);
      }
      if (added != times.size()) {
        return Future.failedFuture(new IllegalStateException(
          key + " grew by " + added + " elements but " + times.size() + " pushes were notified"));
      }
      if (added == 0) {
        return Future.succeededFuture(Map.<String, Long>of());
      }
      return redis.send(Request.cmd(Command.LRANGE).arg(key).arg(0).arg(added - 1)).map(elements -> {
        Map<String, Long> stamps = new HashMap<>();
        int n = elements.size();
        for (int i = 0; i < n; i++) {
          // LRANGE lists newest first: element i is push number n - 1 - i.
          stamps.put(elements.get(i).toString(), times.get(n - 1 - i));
        }
        return stamps;
      });
    });
  }

  /** The email in a slack message {@code {"message": "User <email> created", ...}}, or null. */
  public static String emailOfMessage(String json) {
    String message = new JsonObject(json).getString("message", "");
    if (!message.startsWith("User ") || !message.endsWith(" created")) {
      return null;
    }
    return message.substring("User ".length(), message.length() - " created".length());
  }

  /** Unsubscribes, restores the keyspace-notification flags it found, closes the client. */
  public Future<Void> close() {
    Future<Void> restored = previousFlags == null ? Future.succeededFuture()
      : redis.send(Request.cmd(Command.CONFIG).arg("SET").arg("notify-keyspace-events").arg(previousFlags)).mapEmpty();
    return restored.eventually(() -> subscriber == null ? Future.succeededFuture() : subscriber.close())
      .eventually(redis::close);
  }

  static String withFlags(String flags, String wanted) {
    StringBuilder result = new StringBuilder(flags);
    for (char c : wanted.toCharArray()) {
      if (result.indexOf(String.valueOf(c)) < 0 && !(c == 'l' && result.indexOf("A") >= 0)) {
        result.append(c);
      }
    }
    return result.toString();
  }

  private static int database(String redisUri) {
    String path = URI.create(redisUri).getPath();
    return path == null || path.length() <= 1 ? 0 : Integer.parseInt(path.substring(1));
  }
}
