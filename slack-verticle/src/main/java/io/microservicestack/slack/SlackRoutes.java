package io.microservicestack.slack;

import io.microservicestack.common.JsonBody;
import io.microservicestack.common.Problem;
import io.microservicestack.common.ServiceHttp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.List;
import java.util.Map;

/**
 * The slack service's HTTP API:
 * <ul>
 *   <li>{@code POST /} {@code {"channel", "message"}} → 201 with the stored {@link SlackMessage}; posted to Slack afterwards.
 *   With an {@code Idempotency-Key} header (1-{@value #MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters), a key seen
 *   before (within 24 h) answers the first answer again, with {@code Idempotent-Replayed: true}, and stores and posts
 *   nothing;</li>
 *   <li>{@code GET /messages?channel=&limit=&offset=} → 200 {@code {"channel", "items", "limit", "offset"}} (see {@link MessageQuery});</li>
 *   <li>the shared {@code /ping} and {@code /health} routes of {@link ServiceHttp} (ready when Redis and RabbitMQ answer).</li>
 * </ul>
 * Errors are {@code application/problem+json}; Redis unreachable is a 503 (mapped by {@link MessageStore}).
 */
public final class SlackRoutes {

  /** The request header that makes {@code POST /} idempotent. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  /** The longest idempotency key accepted. */
  public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

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
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
    if (key != null && !key.matches("[\\x21-\\x7e]{1," + MAX_IDEMPOTENCY_KEY_LENGTH + "}")) {
      throw Problem.validation(Map.of(IDEMPOTENCY_KEY, List.of("must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH
        + " visible ASCII characters"))).exception();
    }
    SlackMessage message = SlackMessage.fromRequest(JsonBody.object(ctx));
    if (key != null) {
      return store.addIdempotent(key, message).map(posted -> {
        ctx.response().setStatusCode(201);
        if (posted.created()) {
          notifier.postInBackground(message);
        } else {
          ctx.response().putHeader("Idempotent-Replayed", "true");
        }
        return posted.message().toJson();
      });
    }
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
