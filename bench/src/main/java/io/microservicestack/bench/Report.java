package io.microservicestack.bench;

import io.vertx.core.json.JsonObject;

import java.io.PrintStream;

/** Where a probe's figures go: one JSON object per line on standard output, for run.sh to read. */
final class Report {

  private static final PrintStream OUT = System.out;

  private Report() {
  }

  static void print(JsonObject result) {
    OUT.println(result.encode());
    OUT.flush();
  }
}
