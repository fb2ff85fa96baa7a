package io.microservicestack.common;

/**
 * How the gateway passes the caller it verified on to the services behind it (they are not public and trust it):
 * an HTTP header on proxied requests, a delivery-option header on event-bus requests, and the MDC key of log lines.
 * The gateway removes any {@link #HTTP_HEADER} a client sent before it sets its own.
 */
public final class Subject {

  /** The HTTP request header with the verified subject ({@code sub} of the token). */
  public static final String HTTP_HEADER = "X-Authenticated-Subject";
  /** The event-bus delivery-option header with the verified subject. */
  public static final String BUS_HEADER = "subject";
  /** The SLF4J MDC key of the subject. */
  public static final String MDC_KEY = "subject";

  private Subject() {
  }
}
