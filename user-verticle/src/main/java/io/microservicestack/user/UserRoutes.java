package io.microservicestack.user;

import io.microservicestack.common.Paging;
import io.microservicestack.common.JsonBody;
import io.microservicestack.common.Problem;
import io.microservicestack.common.ProblemHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * The user service's HTTP API: {@code POST /user}, {@code POST /users}, {@code GET /users/:id},
 * {@code GET /users?after=&limit=}, {@code GET /ping} and {@code GET /health}.
 */
public final class UserRoutes {

  private static final String JSON = "application/json";
  /** The health procedure's own limit; the pool gives up on PostgreSQL sooner, so a down database is a 503. */
  private static final long HEALTH_TIMEOUT_MS = 2_000;

  private final UserService users;
  private final UserRepository repository;

  public UserRoutes(UserService users, UserRepository repository) {
    this.users = users;
    this.repository = repository;
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    ProblemHandler.installOn(router);
    BodyHandler body = BodyHandler.create().setBodyLimit(JsonBody.MAX_BYTES);
    router.post("/user").handler(body).handler(this::createUser);
    router.post("/users").handler(body).handler(this::createUser);
    router.get("/users/:id").handler(this::getUser);
    router.get("/users").handler(this::listUsers);
    router.get("/ping").handler(ctx -> json(ctx, 200, new JsonObject().put("response", "pong")));
    router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(healthChecks(vertx)));
    return router;
  }

  private void createUser(RoutingContext ctx) {
    NewUser user = NewUser.validate(JsonBody.object(ctx));
    respond(ctx, users.create(user).map(created -> {
      ctx.response().putHeader(HttpHeaders.LOCATION, "/users/" + created.getLong("id"));
      return created;
    }), 201);
  }

  private void getUser(RoutingContext ctx) {
    respond(ctx, repository.find(id(ctx.pathParam("id"))), 200);
  }

  private void listUsers(RoutingContext ctx) {
    Paging paging = Paging.parse(ctx.queryParams().get("after"), ctx.queryParams().get("limit"));
    respond(ctx, repository.list(paging), 200);
  }

  private HealthChecks healthChecks(Vertx vertx) {
    return HealthChecks.create(vertx).register("postgres", HEALTH_TIMEOUT_MS, promise -> repository.ping()
      .map(v -> Status.OK())
      .otherwise(failure -> Status.KO(new JsonObject().put("error", String.valueOf(failure.getMessage()))))
      .onComplete(promise));
  }

  static long id(String text) {
    try {
      long id = Long.parseLong(text);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw Problem.badRequest("The user id must be a positive integer, got '" + text + "'").exception();
  }

  private static void respond(RoutingContext ctx, Future<JsonObject> result, int status) {
    result.onSuccess(body -> json(ctx, status, body)).onFailure(ctx::fail);
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body.encode());
  }
}
