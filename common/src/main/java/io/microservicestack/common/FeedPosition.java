package io.microservicestack.common;

/**
 * A user's place in the live feed, in the order users become final: the id of the transaction that inserted the
 * user, then the user id. PostgreSQL hands out transaction ids in order, and a transaction id below the oldest one
 * still running ({@code pg_snapshot_xmin(pg_current_snapshot())}) belongs to a transaction that has ended, so every
 * user below that mark is final and none can still appear below it. The feed only releases users below the mark,
 * in this order: a client that resumes after a position it received misses nothing, whatever order transactions
 * commit in.
 *
 * <p>On the wire a position is an opaque string ({@code "<xid>-<id>"}): clients compare nothing, they only hand the
 * last one they received back ({@code ?resume=}).
 *
 * @param xid the inserting transaction's id ({@code xid8})
 * @param id  the user id
 */
public record FeedPosition(long xid, long id) implements Comparable<FeedPosition> {

  /** Before every user. */
  public static final FeedPosition START = new FeedPosition(0, 0);

  /**
   * Parses a position a client handed back.
   *
   * @throws ProblemException 400 naming {@code field} when it is not one
   */
  public static FeedPosition parse(String field, String text) {
    int dash = text == null ? -1 : text.indexOf('-');
    Long xid = dash > 0 ? Params.parse(text.substring(0, dash)) : null;
    Long id = dash > 0 ? Params.parse(text.substring(dash + 1)) : null;
    if (xid == null || id == null || xid < 0 || id < 0) {
      throw Problem.validation(java.util.Map.of(field, java.util.List.of("must be a feed position, as received in a frame's \"position\"")))
        .exception();
    }
    return new FeedPosition(xid, id);
  }

  @Override
  public int compareTo(FeedPosition other) {
    int byXid = Long.compare(xid, other.xid);
    return byXid != 0 ? byXid : Long.compare(id, other.id);
  }

  public boolean isAfter(FeedPosition other) {
    return compareTo(other) > 0;
  }

  @Override
  public String toString() {
    return xid + "-" + id;
  }
}
