package io.microservicestack.stack.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * The fuzzer's HTTP/1.1 client: a plain socket per request, the request written byte for byte as generated (any
 * target, any header value, any body), {@code Connection: close}, the answer read to the end. Nothing between the
 * fuzzer and the gateway normalises, pools or retries, so a request left unanswered is the gateway's doing.
 */
final class RawHttp {

  /** The status, Content-Type (or null) and body of an answer. */
  record Answer(int status, String contentType, String body) {

    @Override
    public String toString() {
      return status + " " + contentType + " " + (body.length() > 500 ? body.substring(0, 500) + "..." : body);
    }
  }

  /** Thrown when the gateway sends no complete answer within the timeout. */
  static final class Hang extends IOException {
    Hang(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private RawHttp() {
  }

  static Answer send(int port, FuzzRequest request, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) timeout.toMillis());
      socket.getOutputStream().write(bytes(request));
      socket.getOutputStream().flush();
      byte[] answer = readToEnd(socket.getInputStream(), deadline);
      return parse(answer);
    } catch (SocketTimeoutException e) {
      throw new Hang("no answer within " + timeout.toSeconds() + " s", e);
    }
  }

  static byte[] bytes(FuzzRequest request) {
    StringBuilder head = new StringBuilder(request.method()).append(' ').append(request.pathAndQuery())
      .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if (request.contentType() != null) {
      head.append("Content-Type: ").append(request.contentType()).append("\r\n");
    }
    if (request.authorization() != null) {
      head.append("Authorization: ").append(request.authorization()).append("\r\n");
    }
    if (request.body() != null) {
      head.append("Content-Length: ").append(request.body().length).append("\r\n");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
    if (request.body() != null) {
      out.writeBytes(request.body());
    }
    return out.toByteArray();
  }

  private static byte[] readToEnd(InputStream in, long deadline) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    for (int read; (read = in.read(chunk)) != -1; ) {
      all.write(chunk, 0, read);
      if (System.nanoTime() > deadline) {
        throw new SocketTimeoutException("the answer did not end in time");
      }
    }
    return all.toByteArray();
  }

  private static Answer parse(byte[] answer) throws IOException {
    String text = new String(answer, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("the connection closed without a complete answer: " + text);
    }
    String[] head = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(head[0].split(" ")[1]);
    String contentType = null;
    boolean chunked = false;
    for (int i = 1; i < head.length; i++) {
      String[] header = head[i].split(":", 2);
      String name = header[0].trim().toLowerCase(Locale.ROOT);
      String value = header.length > 1 ? header[1].trim() : "";
      if (name.equals("content-type")) {
        contentType = value;
      } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
        chunked = true;
      }
    }
    byte[] body = Arrays.copyOfRange(answer, end + 4, answer.length);
    return new Answer(status, contentType, new String(chunked ? unchunk(body) : body, StandardCharsets.UTF_8));
  }

  private static byte[] unchunk(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String text = new String(body, StandardCharsets.ISO_8859_1);
    int at = 0;
    while (at < text.length()) {
      int lineEnd = text.indexOf("\r\n", at);
      int size = Integer.parseInt(text.substring(at, lineEnd).split(";")[0].trim(), 16);
      if (size == 0) {
        break;
      }
      out.write(body, lineEnd + 2, size);
      at = lineEnd + 2 + size + 2;
    }
    return out.toByteArray();
  }
}
