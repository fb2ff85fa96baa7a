package io.microservicestack.slack;

import io.microservicestack.common.JsonBody;
import io.microservicestack.common.ServiceHttp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The slack service's HTTP API:
 * <ul>
 *   <li>{@code POST /} {@code {"channel", "message"}} → 201 with the stored {@link SlackMessage}; posted to Slack afterwards;</li>
 *   <li>{@code GET /messages?channel=&limit=&offset=} → 200 {@code {"channel", "items", "limit", "offset"}} (see {@link MessageQuery});</li>
 *   <li>the shared {@code /ping} and {@code /health} routes of {@link ServiceHttp} (ready when Redis and RabbitMQ answer).</li>
 * </ul>
 * Errors are {@code application/problem+json}; Redis unreachable is a 503 (mapped by {@link MessageStore}).
 */
public final class SlackRoutes {

  private final MessageStore store;
  private final SlackNotifier notifier;
  private final HealthChecks health;

  public SlackRoutes(MessageStore store, SlackNotifier notifier, HealthChecks health) {
    this.store = store;
    this.notifier = notifier;
    this.health = health;
  }

  public Router router(Vertx vertx) {
    Router router = ServiceHttp.router(vertx, health);
    router.post("/").handler(BodyHandler.create().setBodyLimit(JsonBody.MAX_BYTES)).respond(this::createMessage);
    router.get("/messages").respond(this::listMessages);
    return router;
  }

  private Future<JsonObject> createMessage(RoutingContext ctx) {
    SlackMessage message = SlackMessage.fromRequest(JsonBody.object(ctx));
    return store.add(message).map(v -> {
      ctx.response().setStatusCode(201);
      notifier.postInBackground(message);
      return message.toJson();
    });
  }

  private Future<JsonObject> listMessages(RoutingContext ctx) {
    MessageQuery query = MessageQuery.of(ctx.queryParams().get("channel"), ctx.queryParams().get("limit"), ctx.queryParams().get("offset"));
    return store.list(query).map(query::page);
  }
}
