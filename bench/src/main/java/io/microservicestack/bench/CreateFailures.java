package io.microservicestack.bench;

import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

/**
 * The soak's refused creates by status, sorted by what explains them: a fault's window (expected), a 503 no fault
 * explains (the service shedding load on a busy machine, counted apart), or nothing (unexpected: fails the soak).
 */
final class CreateFailures {

  private final Faults faults;
  private final Map<Integer, Integer> refused = new HashMap<>();
  private final Map<Integer, Integer> unexpected = new HashMap<>();
  private long unexplained503;

  CreateFailures(Faults faults) {
    this.faults = faults;
  }

  /** A create started at {@code startedAt} (nanoTime) failed with {@code failure}. */
  void add(Throwable failure, long startedAt) {
    int status = status(failure);
    refused.merge(status, 1, Integer::sum);
    if (faults.explains(status, startedAt, System.nanoTime())) {
      return;
    }
    if (status == 503) {
      unexplained503++;
    } else {
      unexpected.merge(status, 1, Integer::sum);
    }
  }

  /** Adds {@code createsRefused}, {@code unexpectedFailures} and {@code unexplained503} to {@code report}. */
  JsonObject addTo(JsonObject report) {
    return report.put("createsRefused", byStatus(refused)).put("unexpectedFailures", byStatus(unexpected))
      .put("unexplained503", unexplained503);
  }

  @Override
  public String toString() {
    return "refused " + refused + ", unexpected " + unexpected;
  }

  /** The status of {@link UserPoster}'s failure ("POST /user answered 503 ..."), or 0 when no answer came. */
  private static int status(Throwable failure) {
    String message = String.valueOf(failure.getMessage());
    return message.startsWith("POST /user answered ") ? Integer.parseInt(message.substring(20, 23)) : 0;
  }

  private static JsonObject byStatus(Map<Integer, Integer> counts) {
    JsonObject json = new JsonObject();
    counts.forEach((status, count) -> json.put(String.valueOf(status), count));
    return json;
  }
}
