package io.microservicestack.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The slack service's {@code #user} channel, read through the gateway's {@code GET /messages}: how many
 * "User &lt;email&gt; created" messages each created user got.
 */
final class UserChannel {

  private static final int PAGE = 100;

  private final Vertx vertx;
  private final HttpClientAgent http;
  private final String host;
  private final int port;

  UserChannel(Vertx vertx, HttpClientAgent http, String host, int port) {
    this.vertx = vertx;
    this.http = http;
    this.host = host;
    this.port = port;
  }

  /** The message for {@code email}. */
  static String messageFor(String email) {
    return "User " + email + " created";
  }

  /**
   * Counts the channel's messages by text, page by page, reading again (every 500 ms, until {@code deadline}) while a
   * message of one of {@code emails} is still missing: the consumers may still be catching up.
   */
  Future<Map<String, Integer>> count(Collection<String> emails, long deadline) {
    return countFrom(0, new HashMap<>(), emails, deadline);
  }

  private Future<Map<String, Integer>> countFrom(int offset, Map<String, Integer> counts, Collection<String> emails, long deadline) {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port)
        .setURI("/messages?channel=%23user&limit=" + PAGE + "&offset=" + offset))
      .compose(request -> request.send().compose(response -> response.body()))
      .compose(body -> {
        JsonArray items = body.toJsonObject().getJsonArray("items", new JsonArray());
        items.forEach(item -> counts.merge(((JsonObject) item).getString("message"), 1, Integer::sum));
        if (items.size() == PAGE) {
          return countFrom(offset + PAGE, counts, emails, deadline);
        }
        boolean allThere = emails.stream().allMatch(email -> counts.containsKey(messageFor(email)));
        return allThere || System.nanoTime() > deadline
          ? Future.succeededFuture(counts)
          : vertx.timer(500).compose(v -> countFrom(0, new HashMap<>(), emails, deadline));
      });
  }
}
