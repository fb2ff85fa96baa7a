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
  /**
   * The feed's history, in {@link FeedPosition} order, only users that are final: {@code {"after": position?,
   * "last": int?, "limit": int?}} → {@code {"items": [user + "position"...], "position": position}}. With
   * {@code after}: the users after it, at most {@code limit} (1-1000, default 100); without: the latest {@code last}
   * (0-100, default 0) users. {@code position} is the last item's, or the one asked after (or, without
   * {@code after} and with no item, the newest released one); bad input fails with 400.
   */
  public static final String USERS_FEED = "users.feed";
  /**
   * Published (fan-out, not durable) right after a user is committed: the user JSON plus its {@code "position"}.
   * Not in feed order (transactions commit in any order): it wakes the feeds, which read {@link #USERS_FEED}.
   */
  public static final String USERS_CREATED = "users.created";
  /** any body → {@code {"response": "pong"}}. */
  public static final String SLACK_PING = "slack.ping";
  /** {@code {"channel", "limit"?, "offset"?}} → {@code {"items": [message...]}}; bad input fails with 400. */
  public static final String SLACK_MESSAGES = "slack.messages";

  private Addresses() {
  }
}
