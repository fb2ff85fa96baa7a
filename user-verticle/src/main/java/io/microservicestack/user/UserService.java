package io.microservicestack.user;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Creating a user, the same way for every entry point (HTTP and the {@code user} queue): the user and its
 * outbox event in one statement, then a nudge to the relay so the event goes out at once.
 */
public final class UserService {

  private final UserRepository repository;
  private final OutboxRelay relay;

  /** @param relay the relay to nudge after each commit, or null when this process runs none */
  public UserService(UserRepository repository, OutboxRelay relay) {
    this.repository = repository;
    this.relay = relay;
  }

  public Future<JsonObject> create(NewUser user) {
    return create(user, null);
  }

  /** Creates a user; a non-null {@code requestId} makes the creation idempotent (see {@link UserRepository#create}). */
  public Future<JsonObject> create(NewUser user, String requestId) {
    return repository.create(user, requestId).onSuccess(created -> {
      if (relay != null) {
        relay.nudge();
      }
    });
  }
}
