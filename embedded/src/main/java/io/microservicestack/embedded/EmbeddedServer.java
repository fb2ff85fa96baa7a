package io.microservicestack.embedded;

/**
 * A server started inside (or as a child of) this JVM for the zero-install mode, listening on 127.0.0.1 only.
 *
 * <p>{@link #close()} stops it and removes its temporary files; it is idempotent and never throws, so it can be
 * called from a shutdown hook and again from a {@code finally}.
 */
public interface EmbeddedServer extends AutoCloseable {

  /** What runs, with its version, for logs: {@code PostgreSQL 16.11}, {@code Redis 6.2.6}. */
  String description();

  /** The URI the stack connects with, e.g. {@code redis://127.0.0.1:40123}. */
  String uri();

  /** The TCP port it listens on, on 127.0.0.1. */
  int port();

  /** Stops the server; does nothing when it is already stopped. */
  @Override
  void close();
}
