package io.microservicestack.common.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/** Removes a test's Redis keys; its own class so that only modules that use it need the Redis client. */
final class RedisCleanUp {

  private RedisCleanUp() {
  }

  static Future<Void> deleteKeys(Vertx vertx, String redisUri, String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      throw new IllegalArgumentException("a key prefix is needed: an empty one would delete every key");
    }
    Redis redis = Redis.createClient(vertx, redisUri);
    return redis.send(Request.cmd(Command.KEYS).arg(prefix + "*"))
      .compose(keys -> {
        if (keys == null || keys.size() == 0) {
          return Future.<Void>succeededFuture();
        }
        Request del = Request.cmd(Command.DEL);
        for (Response key : keys) {
          del.arg(key.toString());
        }
        return redis.send(del).<Void>mapEmpty();
      })
      .eventually(redis::close);
  }
}
