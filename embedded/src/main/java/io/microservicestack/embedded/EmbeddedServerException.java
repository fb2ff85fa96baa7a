package io.microservicestack.embedded;

/** An embedded server could not be started; the message says which one, why, and what to do instead. */
public class EmbeddedServerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public EmbeddedServerException(String message, Throwable cause) {
    super(message, cause);
  }

  public EmbeddedServerException(String message) {
    super(message);
  }
}
