package io.microservicestack.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Each role JVM's heap after a full GC, sampled at named moments of the soak, as {@code <JVM>.<when>} in MiB; a
 * no-op without role JVMs or when the heap check is off.
 */
final class HeapSamples {

  private final RoleJvms roles;
  private final boolean enabled;
  private final JsonObject samples = new JsonObject();

  HeapSamples(RoleJvms roles, boolean enabled) {
    this.roles = roles;
    this.enabled = enabled && roles != null;
  }

  boolean enabled() {
    return enabled;
  }

  /** Samples every JVM's heap as {@code when}; a failure is recorded as {@code error}, never failing the soak. */
  Future<Void> sample(String when) {
    if (!enabled) {
      return Future.succeededFuture();
    }
    return roles.heapAfterGc().onSuccess(mib -> mib.forEach((jvm, used) -> {
      if (!samples.containsKey(jvm)) {
        samples.put(jvm, new JsonObject());
      }
      samples.getJsonObject(jvm).put(when, used);
    })).<Void>mapEmpty().recover(e -> {
      samples.put("error", e.getMessage());
      return Future.succeededFuture();
    });
  }

  JsonObject toJson() {
    return samples;
  }
}
