package io.microservicestack.gateway;

/** The OAuth scopes the gateway's routes need (the {@code scope} or {@code scp} claim of the token). */
final class Scopes {

  /** {@code POST /user}, {@code POST /users}. */
  static final String USERS_WRITE = "users:write";
  /** {@code GET /users}, {@code GET /users/{id}}, {@code /ws/users}, {@code GET /messages}. */
  static final String USERS_READ = "users:read";
  /** {@code POST /messages}. */
  static final String MESSAGES_WRITE = "messages:write";

  private Scopes() {
  }
}
