package io.microservicestack.user;

import io.microservicestack.common.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Creating a user, the same way for every entry point (HTTP and the {@code user} queue): the user and its
 * outbox event in one statement; then the user is announced on the event bus ({@code users.created}, with its feed
 * position: it wakes the live feeds) and the event handed to the relay, which publishes it at once.
 */
public final class UserService {

  private final EventBus bus;
  private final UserRepository repository;
  private final OutboxRelay relay;

  /** @param relay the relay to hand each committed event to, or null when this process runs none */
  public UserService(EventBus bus, UserRepository repository, OutboxRelay relay) {
    this.bus = bus;
    this.repository = repository;
    this.relay = relay;
  }

  public Future<JsonObject> create(NewUser user) {
    return create(user, null);
  }

  /** Creates a user; a non-null {@code requestId} makes the creation idempotent (see {@link UserRepository#create}). */
  public Future<JsonObject> create(NewUser user, String requestId) {
    return repository.create(user, requestId).map(created -> {
      if (created.event() != null) {
        bus.publish(Addresses.USERS_CREATED, created.user().copy().put("position", created.position().toString()));
        if (relay != null) {
          relay.publish(created.event());
        }
      }
      return created.user();
    });
  }
}
