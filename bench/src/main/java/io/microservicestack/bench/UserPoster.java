package io.microservicestack.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * Creates users with {@code POST /user} on a keep-alive connection pool. Emails are
 * {@code <tag>-<n>@bench.example}: unique per tag, so a run never collides with another one.
 */
public final class UserPoster {

  private final HttpClientAgent client;
  private final String host;
  private final int port;
  private final String tag;

  public UserPoster(Vertx vertx, String host, int port, String tag, int connections) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
      new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    this.host = host;
    this.port = port;
    this.tag = tag;
  }

  /** The email of user number {@code n}. */
  public String email(long n) {
    return tag + "-" + n + "@bench.example";
  }

  /** Posts user number {@code n}; succeeds with the created user's JSON on a 201, fails on anything else. */
  public Future<JsonObject> create(long n) {
    String body = new JsonObject().put("name", "bench " + n).put("email", email(n)).encode();
    return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setURI("/user")
        .putHeader("Content-Type", "application/json"))
      .compose(request -> request.send(body))
      .compose(response -> response.body().map(buffer -> {
        if (response.statusCode() != 201) {
          throw new IllegalStateException("POST /user answered " + response.statusCode() + ": " + buffer);
        }
        return buffer.toJsonObject();
      }));
  }

  public Future<Void> close() {
    return client.close();
  }
}
