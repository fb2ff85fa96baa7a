package io.microservicestack.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;

/**
 * What the soak's websocket clients got, added up against the users that were created: frames, reconnects, users
 * missed (with the state of each client that missed some), received twice, or out of position order.
 */
final class ClientTally {

  private long frames;
  private long missed;
  private long duplicates;
  private long outOfOrder;
  private long reconnects;
  private final JsonArray missedBy = new JsonArray();

  ClientTally(List<SoakClient> clients, Set<Long> created) {
    for (int i = 0; i < clients.size(); i++) {
      SoakClient client = clients.get(i);
      frames += client.frames;
      duplicates += client.duplicates;
      outOfOrder += client.outOfOrder;
      reconnects += client.reconnects;
      List<Long> notReceived = created.stream().filter(id -> !client.received.containsKey(id)).sorted().toList();
      missed += notReceived.size();
      if (!notReceived.isEmpty()) {
        missedBy.add(client.state().put("client", i).put("missed", notReceived.size())
          .put("firstMissedId", notReceived.get(0)).put("lastMissedId", notReceived.get(notReceived.size() - 1)));
      }
    }
  }

  /** Adds the tally's fields to {@code report}. */
  JsonObject addTo(JsonObject report) {
    return report
      .put("frames", frames)
      .put("reconnects", reconnects)
      .put("missed", missed)
      .put("missedBy", missedBy)
      .put("duplicates", duplicates)
      .put("outOfOrder", outOfOrder);
  }
}
