package io.microservicestack.gateway;

import java.nio.charset.StandardCharsets;

/** A websocket close reason fits in 123 bytes of UTF-8 (RFC 6455): longer ones are cut at a character boundary. */
final class CloseReason {

  static final int MAX_BYTES = 123;

  private CloseReason() {
  }

  static String fit(String reason) {
    byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_BYTES) {
      return reason;
    }
    return new String(bytes, 0, MAX_BYTES, StandardCharsets.UTF_8).replaceAll("\uFFFD$", "");
  }
}
