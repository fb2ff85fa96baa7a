package io.microservicestack.common;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;

/**
 * Answers a request the HTTP server could not read (Vert.x's {@code invalidRequestHandler}, run before any router):
 * the same problem+json as every other error, naming the limit that was crossed, then closes the connection.
 *
 * <p>Vert.x's default answers these with an empty body: 414 for a request line over
 * {@link ServiceHttp#MAX_INITIAL_LINE_BYTES}, 431 for headers over {@link ServiceHttp#MAX_HEADER_BYTES}, 400 for
 * anything else the decoder refused (a malformed request line or header, conflicting framing headers). The
 * connection is closed either way: after a request that could not be read, nothing that follows on it can be
 * trusted to start where the server thinks it does.
 */
final class InvalidRequests {

  private InvalidRequests() {
  }

  static void handle(HttpServerRequest request) {
    ProblemHandler.send(request.response(), problemOf(request.decoderResult().cause()));
    request.connection().close();
  }

  static Problem problemOf(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return Problem.of(414, "URI Too Long", "The request line is longer than " + ServiceHttp.MAX_INITIAL_LINE_BYTES
        + " bytes (METHOD, URI and HTTP version)");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return Problem.of(431, "Request Header Fields Too Large", "The request headers are larger than "
        + ServiceHttp.MAX_HEADER_BYTES + " bytes together");
    }
    return Problem.badRequest("The request is not valid HTTP/1.1"
      + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()));
  }
}
