package io.microservicestack.common.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;

/** Drops a test's PostgreSQL schema; its own class so that only modules that use it need the PostgreSQL client. */
final class PostgresCleanUp {

  private PostgresCleanUp() {
  }

  static Future<Void> dropSchema(Vertx vertx, String pgUri, String schema) {
    if (!schema.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("not a plain schema name: " + schema);
    }
    Pool pg = PgBuilder.pool().connectingTo(pgUri).using(vertx).build();
    return pg.query("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE").execute().<Void>mapEmpty().eventually(pg::close);
  }
}
