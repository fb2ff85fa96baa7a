package io.microservicestack.gateway;

import io.microservicestack.common.Addresses;
import io.microservicestack.common.Paging;
import io.microservicestack.common.Params;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * The routes the gateway answers through event-bus request/reply (the RPC sample).
 *
 * <ul>
 *   <li>{@code GET /users/{id}} → {@code users.get {"id": id}} → 200 with the user;</li>
 *   <li>{@code GET /users?after=&limit=} → {@code users.list {"after", "limit"}} → 200 with
 *   {@code {"items": [user...], "next": id|null}}.</li>
 * </ul>
 * Bad input is a 400 problem before any request is sent, by the same rules as the user service ({@link Params},
 * {@link Paging}). A reply failure's code becomes the status (404 for an unknown id), no consumer registered is a
 * 503, no reply within {@code rpcTimeoutMs} (over {@value UserRpcClient#ATTEMPTS} attempts, see
 * {@link UserRpcClient}) a 504. The verified subject, if any, goes along as the {@code subject} delivery header (mapped by the router's {@link io.microservicestack.common.ProblemHandler}).
 */
final class RpcRoutes {

  private final UserRpcClient users;

  RpcRoutes(UserRpcClient users) {
    this.users = users;
  }

  /** Adds the RPC routes to {@code router}. */
  void mount(Router router, EdgeGuard guard) {
    router.get("/users/:id").handler(guard.require(Scopes.USERS_READ, RateLimiter.Kind.READ)).respond(ctx -> users.request(Addresses.USERS_GET,
      new JsonObject().put("id", Params.id("id", ctx.pathParam("id"))), EdgeGuard.subject(ctx)));
    router.get("/users").handler(guard.require(Scopes.USERS_READ, RateLimiter.Kind.READ)).respond(ctx -> users.request(Addresses.USERS_LIST,
      Paging.parse(ctx.queryParams().get("after"), ctx.queryParams().get("limit")).toJson(), EdgeGuard.subject(ctx)));
  }
}
