package io.microservicestack.user;

import io.microservicestack.common.JsonBody;
import io.microservicestack.common.Paging;
import io.microservicestack.common.Params;
import io.microservicestack.common.ServiceHttp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The user service's HTTP API: {@code POST /user}, {@code POST /users}, {@code GET /users/:id},
 * {@code GET /users?after=&limit=}, and the shared {@code /ping} and {@code /health} routes of {@link ServiceHttp}
 * (ready when PostgreSQL answers).
 */
public final class UserRoutes {

  /** The health procedure's own limit; the pool gives up on PostgreSQL sooner, so a down database is a 503. */
  private static final long HEALTH_TIMEOUT_MS = 2_000;

  private final UserService users;
  private final UserRepository repository;

  public UserRoutes(UserService users, UserRepository repository) {
    this.users = users;
    this.repository = repository;
  }

  public Router router(Vertx vertx) {
    Router router = ServiceHttp.router(vertx, healthChecks(vertx));
    BodyHandler body = BodyHandler.create().setBodyLimit(JsonBody.MAX_BYTES);
    router.post("/user").handler(body).respond(this::createUser);
    router.post("/users").handler(body).respond(this::createUser);
    router.get("/users/:id").respond(ctx -> repository.find(Params.id("id", ctx.pathParam("id"))));
    router.get("/users").respond(ctx -> repository.list(Paging.parse(ctx.queryParams().get("after"), ctx.queryParams().get("limit"))));
    return router;
  }

  private Future<JsonObject> createUser(RoutingContext ctx) {
    NewUser user = NewUser.validate(JsonBody.object(ctx));
    return users.create(user).onSuccess(created -> ctx.response()
      .setStatusCode(201)
      .putHeader(HttpHeaders.LOCATION, "/users/" + created.getLong("id")));
  }

  private HealthChecks healthChecks(Vertx vertx) {
    return HealthChecks.create(vertx).register("postgres", HEALTH_TIMEOUT_MS, promise -> repository.ping()
      .map(v -> Status.OK())
      .otherwise(failure -> Status.KO(new JsonObject().put("error", String.valueOf(failure.getMessage()))))
      .onComplete(promise));
  }
}
