package io.microservicestack.stack.fuzz;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * One generated request. Its {@link #toString} is what jqwik prints for a failing sample: readable, with every byte
 * of the body that is not printable UTF-8 shown escaped, so the sample can be replayed by hand.
 *
 * @param operation     the contract's operationId it was made from
 * @param method        the method
 * @param pathAndQuery  the raw request target, sent as it is (it may hold invalid percent-encoding on purpose)
 * @param contentType   the Content-Type header, or null for none
 * @param body          the body bytes, or null for none
 * @param authorization the Authorization header, or null for none
 */
record FuzzRequest(String operation, String method, String pathAndQuery, String contentType, byte[] body,
                   String authorization) {

  FuzzRequest withBody(String contentType, byte[] body) {
    return new FuzzRequest(operation, method, pathAndQuery, contentType, body, authorization);
  }

  FuzzRequest withAuthorization(String authorization) {
    return new FuzzRequest(operation, method, pathAndQuery, contentType, body, authorization);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(method).append(' ').append(shorten(pathAndQuery));
    if (contentType != null) {
      text.append(" [Content-Type: ").append(contentType).append(']');
    }
    if (authorization != null && !authorization.startsWith("Bearer ey")) {
      text.append(" [Authorization: ").append(shorten(authorization)).append(']');
    }
    if (body != null) {
      text.append(' ').append(body.length).append(" bytes: ").append(shorten(printable(body)));
    }
    return text.toString();
  }

  /** The body as text when it is valid UTF-8 (control characters escaped), else as hex. */
  static String printable(byte[] bytes) {
    try {
      String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
      StringBuilder escaped = new StringBuilder();
      text.codePoints().forEach(c -> {
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || Character.getType(c) == Character.FORMAT || c > 0xFFFF
          || Character.getType(c) == Character.UNASSIGNED) {
          escaped.append(String.format("<U+%04X>", c));
        } else {
          escaped.appendCodePoint(c);
        }
      });
      return escaped.toString();
    } catch (CharacterCodingException e) {
      return "hex " + HexFormat.of().formatHex(bytes);
    }
  }

  private static String shorten(String text) {
    return text.length() <= 600 ? text : text.substring(0, 300) + "...(" + text.length() + " chars)..." + text.substring(text.length() - 100);
  }
}
