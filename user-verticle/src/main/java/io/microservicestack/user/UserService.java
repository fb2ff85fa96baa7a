package io.microservicestack.user;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Creating a user, the same way for every entry point (HTTP and the {@code user} queue): the user and its
 * outbox event in one statement, then the event handed to the relay, which publishes it at once.
 */
public final class UserService {

  private final UserRepository repository;
  private final OutboxRelay relay;

  /** @param relay the relay to hand each committed event to, or null when this process runs none */
  public UserService(UserRepository repository, OutboxRelay relay) {
    this.repository = repository;
    this.relay = relay;
  }

  public Future<JsonObject> create(NewUser user) {
    return create(user, null);
  }

  /** Creates a user; a non-null {@code requestId} makes the creation idempotent (see {@link UserRepository#create}). */
  public Future<JsonObject> create(NewUser user, String requestId) {
    return repository.create(user, requestId).map(created -> {
      if (relay != null && created.event() != null) {
        relay.publish(created.event());
      }
      return created.user();
    });
  }
}
