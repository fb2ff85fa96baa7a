package io.microservicestack.common.testing;

import io.vertx.core.json.JsonObject;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A bridge client as any language would write it: a plain TCP socket, each frame a 4-byte big-endian length and the
 * UTF-8 JSON (the protocol of the gateway's TCP event-bus bridge). Blocking, for the test thread only; every read
 * gives up after a deadline.
 */
public final class BridgeSocket implements AutoCloseable {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  public BridgeSocket(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
    in = new DataInputStream(socket.getInputStream());
    out = new DataOutputStream(socket.getOutputStream());
  }

  public void write(JsonObject frame) throws IOException {
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    out.writeInt(json.length);
    out.write(json);
    out.flush();
  }

  /** Writes {@code bytes} as they are: a length prefix announcing anything, half a frame. */
  public void writeRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Whether the server closed the connection (end of stream), or an {@link AssertionError} when it sends more or nothing. */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() == -1;
    } catch (SocketException e) {
      return true; // reset by the server
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the connection is still open after " + READ_TIMEOUT, e);
    }
  }

  /** The next frame, or an {@link AssertionError} when none arrives within the deadline. */
  public JsonObject read() throws IOException {
    try {
      byte[] json = new byte[in.readInt()];
      in.readFully(json);
      return new JsonObject(new String(json, StandardCharsets.UTF_8));
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no frame within " + READ_TIMEOUT, e);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
