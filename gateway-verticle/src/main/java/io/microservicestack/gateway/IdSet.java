package io.microservicestack.gateway;

import java.util.Map;
import java.util.TreeMap;

/**
 * The user ids one websocket client has been sent, kept compactly as a floor plus disjoint ranges.
 *
 * <p>Every id up to the floor counts as sent (the client's {@code since}, or ids so old they were folded in).
 * Consecutive ids merge into one range, so memory grows with the number of gaps (ids skipped by rolled-back
 * inserts, or not committed yet), not with the number of ids. At most {@link #MAX_RANGES} ranges are kept: past
 * that the lowest gap is folded into the floor, i.e. a user whose id is older than the last
 * {@value #MAX_RANGES} gaps and that was never seen is treated as already sent.
 */
final class IdSet {

  static final int MAX_RANGES = 4096;

  private final TreeMap<Long, Long> ranges = new TreeMap<>();
  private long floor;

  /** A set that holds every id up to {@code floor}. */
  IdSet(long floor) {
    this.floor = floor;
  }

  boolean contains(long id) {
    if (id <= floor) {
      return true;
    }
    Map.Entry<Long, Long> range = ranges.floorEntry(id);
    return range != null && id <= range.getValue();
  }

  /** Adds {@code id}; false when it was already there. */
  boolean add(long id) {
    if (contains(id)) {
      return false;
    }
    long start = id;
    long end = id;
    Map.Entry<Long, Long> lower = ranges.floorEntry(id);
    if (lower != null && lower.getValue() == id - 1) {
      start = lower.getKey();
      ranges.remove(start);
    }
    Map.Entry<Long, Long> higher = ranges.higherEntry(id);
    if (higher != null && higher.getKey() - 1 == id) {
      end = higher.getValue();
      ranges.remove(higher.getKey());
    }
    if (start - 1 <= floor) {
      floor = end;
    } else {
      ranges.put(start, end);
    }
    if (ranges.size() > MAX_RANGES) {
      floor = ranges.pollFirstEntry().getValue();
    }
    return true;
  }

  /** How many ranges above the floor are kept (the number of gaps). */
  int ranges() {
    return ranges.size();
  }
}
