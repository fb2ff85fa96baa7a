package io.microservicestack.slack;

import io.microservicestack.common.JsonBody;
import io.microservicestack.common.Problem;
import io.microservicestack.common.ProblemHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slack service's HTTP API:
 * <ul>
 *   <li>{@code POST /} {@code {"channel", "message"}} → 201 with the stored {@link SlackMessage}; posted to Slack afterwards;</li>
 *   <li>{@code GET /messages?channel=&limit=&offset=} → 200 {@code {"channel", "items", "limit", "offset"}} (see {@link MessageQuery});</li>
 *   <li>{@code GET /ping} → {@code {"response": "pong"}};</li>
 *   <li>{@code GET /health} → the health checks: 200 when up, 503 when a dependency is down.</li>
 * </ul>
 * Errors are {@code application/problem+json}; Redis unreachable is a 503.
 */
public final class MessageRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(MessageRoutes.class);
  /** The answer of every ping: {@code {"response": "pong"}}. */
  public static JsonObject pong() {
    return new JsonObject().put("response", "pong");
  }

  private final MessageStore store;
  private final SlackNotifier notifier;

  private MessageRoutes(MessageStore store, SlackNotifier notifier) {
    this.store = store;
    this.notifier = notifier;
  }

  /** The router of the service. */
  public static Router router(Vertx vertx, MessageStore store, SlackNotifier notifier, HealthChecks healthChecks) {
    MessageRoutes routes = new MessageRoutes(store, notifier);
    Router router = Router.router(vertx);
    router.post("/").handler(BodyHandler.create().setBodyLimit(JsonBody.MAX_BYTES)).handler(routes::createMessage);
    router.get("/messages").handler(routes::listMessages);
    router.get("/ping").handler(ctx -> sendJson(ctx, 200, pong()));
    router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(healthChecks));
    return ProblemHandler.installOn(router);
  }

  private void createMessage(RoutingContext ctx) {
    SlackMessage message = SlackMessage.fromRequest(JsonBody.object(ctx));
    unavailableOnFailure(store.add(message), "store a message")
      .onSuccess(v -> {
        sendJson(ctx, 201, message.toJson());
        notifier.postInBackground(message);
      })
      .onFailure(ctx::fail);
  }

  private void listMessages(RoutingContext ctx) {
    MessageQuery query = MessageQuery.of(ctx.queryParams().get("channel"), ctx.queryParams().get("limit"), ctx.queryParams().get("offset"));
    unavailableOnFailure(store.list(query), "read messages")
      .onSuccess(items -> sendJson(ctx, 200, query.page(items)))
      .onFailure(ctx::fail);
  }

  /** A failed Redis call becomes a 503 problem: the request was fine, the store is not reachable. */
  static <T> Future<T> unavailableOnFailure(Future<T> future, String action) {
    return future.recover(e -> {
      LOG.warn("Could not {} in Redis: {}", action, e.toString());
      return Future.failedFuture(Problem.unavailable("The message store is unavailable").exception());
    });
  }

  private static void sendJson(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
  }
}
