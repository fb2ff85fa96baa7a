package io.microservicestack.user;

import io.micrometer.core.instrument.Counter;
import io.microservicestack.common.Addresses;
import io.microservicestack.common.Metrics;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Creating a user, the same way for every entry point (HTTP and the {@code user} queue): the user and its
 * outbox event in one statement; then the user is announced on the event bus ({@code users.created}, with its feed
 * position: it wakes the live feeds) and the event handed to the relay, which publishes it at once. Each user
 * created counts in {@code users_registered_total{role}} (not {@code users_created_total}: OpenMetrics reserves
 * the {@code _created} suffix, and the Prometheus client refuses it).
 */
public final class UserService {

  private final EventBus bus;
  private final UserRepository repository;
  private final OutboxRelay relay;
  private final Counter created;

  /**
   * @param relay the relay to hand each committed event to, or null when this process runs none
   * @param role  the role creating users ({@code user}, {@code user-queue}), the {@code role} label of its meters
   */
  public UserService(EventBus bus, UserRepository repository, OutboxRelay relay, String role) {
    this.bus = bus;
    this.repository = repository;
    this.relay = relay;
    this.created = Counter.builder("users.registered").description("Users created (a repeated request id creates none)")
      .tag(Metrics.ROLE, role).register(Metrics.registry());
  }

  public Future<JsonObject> create(NewUser user) {
    return create(user, null);
  }

  /** Creates a user; a non-null {@code requestId} makes the creation idempotent (see {@link UserRepository#create}). */
  public Future<JsonObject> create(NewUser user, String requestId) {
    return createOnce(user, requestId).map(UserRepository.Created::user);
  }

  /** Like {@link #create(NewUser, String)}; the result's event is null when {@code requestId} had created the user. */
  Future<UserRepository.Created> createOnce(NewUser user, String requestId) {
    return repository.create(user, requestId).map(created -> {
      if (created.event() != null) {
        this.created.increment();
        bus.publish(Addresses.USERS_CREATED, created.user().copy().put("position", created.position().toString()));
        if (relay != null) {
          relay.publish(created.event());
        }
      }
      return created;
    });
  }
}
