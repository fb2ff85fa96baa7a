package io.microservicestack.user;

import io.microservicestack.common.FeedPosition;
import io.microservicestack.common.Paging;
import io.microservicestack.common.Problem;
import io.microservicestack.common.Tracing;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.regex.Pattern;

/**
 * Users in PostgreSQL. Every method returns a future; a database that cannot be reached fails it with a
 * 503 problem, a duplicate email with a 409 problem.
 *
 * <p>A user as JSON: {@code {"id": 1, "name": "...", "email": "...", "createdAt": "2026-11-27T19:30:00.123456Z"}}.
 */
public final class UserRepository {

  /** created_at as ISO-8601 UTC with microseconds, the same text in responses and in events. */
  private static final String CREATED_AT = "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

  /**
   * The user and its {@code user.created} outbox row, written by one statement: atomic, and about twice as
   * fast as BEGIN / INSERT / INSERT / COMMIT (see NOTES.md). The outbox row keeps the trace context of the
   * request ({@code traceparent}, null when untraced), which the relay's publish continues.
   */
  private static final String INSERT_WITH_EVENT = """
    WITH u AS (
      INSERT INTO users (name, email, request_id) VALUES ($1, $2, $3)
      ON CONFLICT (request_id) DO NOTHING
      RETURNING id, name, email, %s AS created_at, xid::text AS xid
    ), e AS (
      SELECT gen_random_uuid() AS id
    ), o AS (
      INSERT INTO outbox (event_id, routing_key, traceparent, payload)
      SELECT e.id, 'user.created', $4::text, jsonb_build_object(
        'id', e.id::text, 'type', 'user.created', 'occurredAt', u.created_at,
        'user', jsonb_build_object('id', u.id, 'name', u.name, 'email', u.email, 'createdAt', u.created_at))
      FROM u, e
      RETURNING id, event_id, routing_key, traceparent, payload
    )
    SELECT u.id, u.name, u.email, u.created_at, u.xid,
      o.id AS outbox_id, o.event_id, o.routing_key, o.traceparent, o.payload::text AS payload FROM u, o
    """.formatted(CREATED_AT);
  private static final String SELECT_BY_REQUEST =
    "SELECT id, name, email, " + CREATED_AT + " AS created_at FROM users WHERE request_id = $1";
  private static final String SELECT_BY_ID = "SELECT id, name, email, " + CREATED_AT + " AS created_at FROM users WHERE id = $1";
  private static final String SELECT_PAGE =
    "SELECT id, name, email, " + CREATED_AT + " AS created_at FROM users WHERE id > $1 ORDER BY id LIMIT $2";
  /** Users are final below the oldest transaction still running: the feed's high-water mark. */
  private static final String RELEASED = "xid < pg_snapshot_xmin(pg_current_snapshot())";
  /**
   * The position's xid goes out as text (the client has no xid8); the ordering is on the column itself, qualified:
   * a bare {@code ORDER BY xid} would sort by that text ("10" before "9"), and no index could serve it.
   */
  private static final String FEED_COLUMNS = "id, name, email, " + CREATED_AT + " AS created_at, xid::text AS xid";
  private static final String SELECT_FEED_AFTER = "SELECT " + FEED_COLUMNS + " FROM users WHERE (xid, id) > ($1::text::xid8, $2) AND "
    + RELEASED + " ORDER BY users.xid, users.id LIMIT $3";
  private static final String SELECT_FEED_LATEST = "SELECT * FROM (SELECT " + FEED_COLUMNS + " FROM users WHERE " + RELEASED
    + " ORDER BY users.xid DESC, users.id DESC LIMIT $1) latest ORDER BY latest.xid::xid8, latest.id";
  private static final String UNIQUE_VIOLATION = "23505";
  /** The SQLSTATEs of a database that cannot serve now (see {@link #unavailable}). */
  private static final Pattern UNAVAILABLE_SQLSTATE = Pattern.compile("08|57P|53");

  private final Pool pool;
  private final Future<?> schemaReady;

  /**
   * @param schemaReady completes once the migrations are applied; until then every call fails at once with 503
   */
  public UserRepository(Pool pool, Future<?> schemaReady) {
    this.pool = pool;
    this.schemaReady = schemaReady;
  }

  /** The pool, once the schema is ready; a 503 problem before. */
  private Future<Pool> pool() {
    return schemaReady.succeeded()
      ? Future.succeededFuture(pool)
      : Future.failedFuture(Problem.unavailable("The user database is not ready: migrations are pending").exception());
  }

  /**
   * Creates the user with its {@code user.created} outbox event; 409 when the email exists in any case.
   *
   * @param requestId null, or the id of the request: a second create with the same id creates nothing and
   *                  answers the user the first one created (with no event: the first create has it)
   */
  public Future<Created> create(NewUser user, String requestId) {
    return pool().compose(p -> p.preparedQuery(INSERT_WITH_EVENT)
        .execute(Tuple.of(user.name(), user.email(), requestId, Tracing.currentTraceparent())))
      .transform(ar -> {
        if (ar.failed()) {
          return failed(user, requestId, ar.cause());
        }
        if (ar.result().size() == 1) {
          Row row = ar.result().iterator().next();
          return Future.succeededFuture(new Created(toJson(row), OutboxEvent.of(row), position(row)));
        }
        return findByRequest(requestId).map(existing -> new Created(existing, null, null));
      });
  }

  /**
   * A create that failed: 503 when the database is unavailable, 409 for an email that exists. One exception: two
   * deliveries of the same request at once (a command redelivered while its first delivery is still being written).
   * The second waits on the first's row in the email index and, once that commits, fails there, before
   * {@code ON CONFLICT (request_id)} can see it; it is the same request, so it answers the user the first created.
   */
  private Future<Created> failed(NewUser user, String requestId, Throwable failure) {
    if (!isUniqueViolation(failure)) {
      return Future.failedFuture(unavailable(failure));
    }
    Future<JsonObject> sameRequest = requestId == null ? Future.succeededFuture() : findByRequestOrNull(requestId);
    return sameRequest.compose(existing -> existing != null
      ? Future.succeededFuture(new Created(existing, null, null))
      : Future.failedFuture(Problem.of(409, "Conflict", "A user with email " + user.email() + " already exists").exception()));
  }

  /**
   * A created user and the outbox event written with it.
   *
   * @param user     the user JSON
   * @param event    its {@code user.created} outbox row, or null when the request had already created the user
   * @param position its place in the feed, or null when the request had already created the user
   */
  public record Created(JsonObject user, OutboxEvent event, FeedPosition position) {
  }

  private Future<JsonObject> findByRequest(String requestId) {
    return findByRequestOrNull(requestId).map(existing -> {
      if (existing == null) {
        throw new IllegalStateException("No user with request id " + requestId + ", though the insert found one");
      }
      return existing;
    });
  }

  private Future<JsonObject> findByRequestOrNull(String requestId) {
    return pool().compose(p -> p.preparedQuery(SELECT_BY_REQUEST).execute(Tuple.of(requestId)))
      .recover(failure -> Future.failedFuture(unavailable(failure)))
      .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
  }

  /** The user with this id; a 404 problem when there is none. */
  public Future<JsonObject> find(long id) {
    return pool().compose(p -> p.preparedQuery(SELECT_BY_ID).execute(Tuple.of(id)))
      .recover(failure -> Future.failedFuture(unavailable(failure)))
      .map(rows -> {
        if (rows.size() == 0) {
          throw Problem.notFound("No user with id " + id).exception();
        }
        return toJson(rows.iterator().next());
      });
  }

  /** One page: {@code {"items": [user...], "next": <last id, or null when this page is the last>}}. */
  public Future<JsonObject> list(Paging paging) {
    return pool().compose(p -> p.preparedQuery(SELECT_PAGE).execute(Tuple.of(paging.after(), paging.limit())))
      .recover(failure -> Future.failedFuture(unavailable(failure)))
      .map(rows -> page(rows, paging.limit()));
  }

  /**
   * The feed after {@code after}: at most {@code limit} final users in position order, each with its
   * {@code "position"}; {@code "position"} of the page is the last item's, or {@code after} when there is none.
   */
  public Future<JsonObject> feedAfter(FeedPosition after, int limit) {
    return pool().compose(p -> p.preparedQuery(SELECT_FEED_AFTER).execute(Tuple.of(Long.toUnsignedString(after.xid()), after.id(), limit)))
      .recover(failure -> Future.failedFuture(unavailable(failure)))
      .map(rows -> feedPage(rows, after));
  }

  /**
   * The latest {@code last} final users in position order (none for 0); {@code "position"} is the newest final
   * user's, or {@link FeedPosition#START} when there is none: where a client that wants only what comes next starts.
   */
  public Future<JsonObject> feedLatest(int last) {
    return pool().compose(p -> p.preparedQuery(SELECT_FEED_LATEST).execute(Tuple.of(Math.max(1, last))))
      .recover(failure -> Future.failedFuture(unavailable(failure)))
      .map(rows -> {
        JsonObject page = feedPage(rows, FeedPosition.START);
        return last == 0 ? page.put("items", new JsonArray()) : page;
      });
  }

  private static JsonObject feedPage(RowSet<Row> rows, FeedPosition after) {
    JsonArray items = new JsonArray();
    FeedPosition last = after;
    for (Row row : rows) {
      last = position(row);
      items.add(toJson(row).put("position", last.toString()));
    }
    return new JsonObject().put("items", items).put("position", last.toString());
  }

  static FeedPosition position(Row row) {
    return new FeedPosition(Long.parseUnsignedLong(row.getString("xid")), row.getLong("id"));
  }

  /** Succeeds when the schema is ready and PostgreSQL answers a trivial query. */
  public Future<Void> ping() {
    return pool().compose(p -> p.query("SELECT 1").execute()).mapEmpty();
  }

  private static JsonObject page(RowSet<Row> rows, int limit) {
    JsonArray items = new JsonArray();
    Long last = null;
    for (Row row : rows) {
      items.add(toJson(row));
      last = row.getLong("id");
    }
    return new JsonObject().put("items", items).put("next", items.size() == limit ? last : null);
  }

  static JsonObject toJson(Row row) {
    return new JsonObject()
      .put("id", row.getLong("id"))
      .put("name", row.getString("name"))
      .put("email", row.getString("email"))
      .put("createdAt", row.getString("created_at"));
  }

  private static boolean isUniqueViolation(Throwable failure) {
    return failure instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState());
  }

  /**
   * A database error is a bug (500); not reaching the database at all is a 503: no connection (class 08), the server
   * shutting down or starting (57P), or out of resources (class 53: "too many clients already" when the server's
   * {@code max_connections} or the role's connection limit is reached, disk full, out of memory).
   */
  static Throwable unavailable(Throwable failure) {
    if (failure instanceof PgException pg && !UNAVAILABLE_SQLSTATE.matcher(String.valueOf(pg.getSqlState())).lookingAt()) {
      return failure;
    }
    return Problem.unavailable("The user database is unavailable: " + failure.getMessage()).exception();
  }
}
