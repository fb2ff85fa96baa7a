package io.microservicestack.gateway;

import io.microservicestack.common.Addresses;
import io.microservicestack.common.Paging;
import io.microservicestack.common.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;


/**
 * The routes the gateway answers through event-bus request/reply (the RPC sample).
 *
 * <ul>
 *   <li>{@code GET /users/{id}} → {@code users.get {"id": id}} → 200 with the user;</li>
 *   <li>{@code GET /users?after=&limit=} → {@code users.list {"after", "limit"}} → 200 with
 *   {@code {"items": [user...], "next": id|null}}; {@code after} defaults to 0, {@code limit} to {@value #DEFAULT_LIMIT}.</li>
 * </ul>
 * Bad input is a 400 problem before any request is sent. A reply failure's code becomes the status
 * (404 for an unknown id), no consumer registered is a 503, no reply within {@code rpcTimeoutMs} (over
 * {@value UserRpc#ATTEMPTS} attempts, see {@link UserRpc}) a 504
 * (mapped by the router's {@link io.microservicestack.common.ProblemHandler}).
 */
final class RpcRoutes {

  static final int DEFAULT_LIMIT = Paging.DEFAULT_LIMIT;

  private final UserRpc rpc;

  RpcRoutes(Vertx vertx, GatewayConfig config) {
    this.rpc = new UserRpc(vertx, config);
  }

  /** Adds the RPC routes to {@code router}. */
  void mount(Router router) {
    router.get("/users/:id").handler(this::getUser);
    router.get("/users").handler(this::listUsers);
  }

  private void getUser(RoutingContext ctx) {
    long id = parseId(ctx.pathParam("id"));
    request(Addresses.USERS_GET, new JsonObject().put("id", id))
      .onSuccess(user -> sendJson(ctx, user))
      .onFailure(ctx::fail);
  }

  private void listUsers(RoutingContext ctx) {
    request(Addresses.USERS_LIST, listQuery(ctx))
      .onSuccess(page -> sendJson(ctx, page))
      .onFailure(ctx::fail);
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return rpc.request(address, body);
  }

  static long parseId(String text) {
    Long id = Paging.nonNegative(text);
    if (id == null) {
      throw Problem.badRequest("The user id must be a non-negative integer, not '" + text + "'").exception();
    }
    return id;
  }

  /** The {@code users.list} request for the query string, or a 400 validation problem naming every bad field. */
  static JsonObject listQuery(RoutingContext ctx) {
    return Paging.parse(ctx.queryParams().get("after"), ctx.queryParams().get("limit")).toJson();
  }

  private static void sendJson(RoutingContext ctx, JsonObject body) {
    ctx.response()
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
      .end(body.toBuffer());
  }
}
