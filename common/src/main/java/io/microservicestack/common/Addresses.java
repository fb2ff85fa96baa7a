package io.microservicestack.common;

/**
 * Event-bus addresses: the cross-service RPC contract ({@code noun.verb}).
 *
 * <p>Request/reply bodies are JSON objects. A failed request is a {@link io.vertx.core.eventbus.ReplyException}
 * of type {@code RECIPIENT_FAILURE} whose failure code is the HTTP status the caller should answer
 * (see {@link Rpc}).
 */
public final class Addresses {

  /** {@code {"id": long}} → the user {@code {"id","name","email","createdAt"}}, or failure 404. */
  public static final String USERS_GET = "users.get";
  /** {@code {"after": long?, "limit": int?}} → {@code {"items": [user...], "next": long?}}; bad input fails with 400. */
  public static final String USERS_LIST = "users.list";
  /** any body → {@code {"response": "pong"}}. */
  public static final String USERS_PING = "users.ping";
  /** Published (fan-out, not durable) right after a user is committed: the user JSON. Feeds live views. */
  public static final String USERS_CREATED = "users.created";
  /** any body → {@code {"response": "pong"}}. */
  public static final String SLACK_PING = "slack.ping";
  /** {@code {"channel", "limit"?, "offset"?}} → {@code {"items": [message...]}}; bad input fails with 400. */
  public static final String SLACK_MESSAGES = "slack.messages";

  private Addresses() {
  }
}
