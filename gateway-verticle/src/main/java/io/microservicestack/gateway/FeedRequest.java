package io.microservicestack.gateway;

import io.microservicestack.common.FeedPosition;
import io.microservicestack.common.FieldErrors;
import io.microservicestack.common.Params;
import io.vertx.core.MultiMap;

/**
 * What a websocket client asks of the feed, from its query string: at most one of
 * {@code resume=<position>} (everything after a position it received), {@code last=<n>} (the latest n users, 1-100,
 * then live), {@code since=<id>} (legacy: every user with a larger id, then live), or nothing (live only).
 *
 * @param resume the position to resume after, or null
 * @param last   how many of the latest users to send first, or null
 * @param since  the legacy id cursor, or null
 */
record FeedRequest(FeedPosition resume, Integer last, Long since) {

  static final int MAX_LAST = 100;

  /**
   * @throws io.microservicestack.common.ProblemException 400 naming the parameter that is wrong
   */
  static FeedRequest parse(MultiMap params) {
    FieldErrors errors = new FieldErrors();
    String resumeText = params.get("resume");
    FeedPosition resume = null;
    if (resumeText != null) {
      try {
        resume = FeedPosition.parse("resume", resumeText);
      } catch (io.microservicestack.common.ProblemException e) {
        errors.addAll(e.problem());
      }
    }
    Long last = Params.integer("last", params.get("last"), null, 1, MAX_LAST, errors);
    Long since = Params.integer("since", params.get("since"), null, 0, Long.MAX_VALUE, errors);
    if ((resumeText != null ? 1 : 0) + (params.get("last") != null ? 1 : 0) + (params.get("since") != null ? 1 : 0) > 1) {
      errors.add("resume", "give one of resume, last and since");
    }
    errors.throwIfAny();
    return new FeedRequest(resume, last == null ? null : last.intValue(), since);
  }

  boolean isLiveOnly() {
    return resume == null && last == null && since == null;
  }

  @Override
  public String toString() {
    return resume != null ? "resume=" + resume : last != null ? "last=" + last : since != null ? "since=" + since : "live";
  }
}
