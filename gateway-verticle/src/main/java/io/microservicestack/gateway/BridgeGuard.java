package io.microservicestack.gateway;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;

import java.util.Locale;
import java.util.Set;

/**
 * What every frame from a bridge client passes before it reaches the event bus ({@link EventBusBridge}).
 *
 * <ul>
 *   <li>Identity headers are the gateway's to set, never a client's: {@link #stripIdentityHeaders} removes
 *   {@code x-authenticated-*}, {@code authorization} and the like from {@code send} and {@code publish} frames, so a
 *   service behind the bus can trust them.</li>
 *   <li>Delivery headers the bridge reads itself must have their types ({@code timeout} a number, {@code localOnly}
 *   a boolean, the rest strings); {@code codecName} is not the client's to choose. A frame with a header of the wrong
 *   type is refused with an error frame.</li>
 *   <li>{@link #authorize} is the hook for authentication at the bridge (the edge's JWT check): it decides, per
 *   frame, whether it goes on. By default everything the allow-list permits does.</li>
 * </ul>
 */
public class BridgeGuard implements Handler<BridgeEvent> {

  /** Headers (lower case) that claim who the caller is: removed from every client frame. */
  public static final Set<String> IDENTITY_HEADERS = Set.of("authorization", "x-authenticated-subject", "x-user-id",
    "x-forwarded-user", "x-subject");
  /** Any header starting with this (lower case) is also an identity claim. */
  public static final String IDENTITY_PREFIX = "x-authenticated-";

  @Override
  public void handle(BridgeEvent event) {
    JsonObject frame = event.getRawMessage();
    if (frame != null && (event.type() == BridgeEventType.SEND || event.type() == BridgeEventType.PUBLISH)) {
      if (!hasValidHeaders(frame)) {
        event.complete(false);
        return;
      }
      stripIdentityHeaders(frame);
    }
    authorize(event).onComplete(event);
  }

  /**
   * Whether {@code event} may go on. The hook for authentication at the bridge: override it to check a token (the
   * client's frame is {@code event.getRawMessage()}, its socket {@code event.socket()}), and to put the subject the
   * gateway vouches for into the frame's headers after {@link #stripIdentityHeaders} ran. The default lets every
   * frame the allow-list permits through.
   */
  protected Future<Boolean> authorize(BridgeEvent event) {
    return Future.succeededFuture(true);
  }

  /** Removes every identity header ({@link #IDENTITY_HEADERS}, {@link #IDENTITY_PREFIX}) from {@code frame}. */
  public static void stripIdentityHeaders(JsonObject frame) {
    if (frame.getValue("headers") instanceof JsonObject headers) {
      headers.fieldNames().removeIf(name -> {
        String lower = name.toLowerCase(Locale.ROOT);
        return IDENTITY_HEADERS.contains(lower) || lower.startsWith(IDENTITY_PREFIX);
      });
    }
  }

  /** Headers absent, or an object whose values have the types the bridge reads them as; no codec chosen. */
  static boolean hasValidHeaders(JsonObject frame) {
    Object value = frame.getValue("headers");
    if (value == null) {
      return true;
    }
    if (!(value instanceof JsonObject headers) || headers.containsKey("codecName")) {
      return false;
    }
    for (String name : headers.fieldNames()) {
      Object header = headers.getValue(name);
      boolean valid = switch (name) {
        case "timeout" -> header instanceof Integer || header instanceof Long;
        case "localOnly" -> header instanceof Boolean;
        default -> header instanceof String;
      };
      if (!valid) {
        return false;
      }
    }
    return true;
  }
}
