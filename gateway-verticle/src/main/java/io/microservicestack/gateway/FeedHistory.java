package io.microservicestack.gateway;

import io.microservicestack.common.Addresses;
import io.microservicestack.common.FeedPosition;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** The feed's history, read from the user service over the event bus: by position ({@code users.feed}) or by id. */
final class FeedHistory {

  /** Users per history request while replaying. */
  static final int PAGE = 100;

  private final UserRpcClient rpc;

  FeedHistory(UserRpcClient rpc) {
    this.rpc = rpc;
  }

  /** A page of final users after {@code position}, in position order. */
  Future<JsonObject> after(FeedPosition position) {
    return rpc.request(Addresses.USERS_FEED, new JsonObject().put("after", position.toString()).put("limit", PAGE));
  }

  /** The latest {@code last} final users, in position order. */
  Future<JsonObject> latest(int last) {
    return rpc.request(Addresses.USERS_FEED, new JsonObject().put("last", last));
  }

  /** A page of users after id {@code after}, in id order (the legacy {@code since}). */
  Future<JsonObject> byId(long after) {
    return rpc.request(Addresses.USERS_LIST, new JsonObject().put("after", after).put("limit", PAGE));
  }
}
