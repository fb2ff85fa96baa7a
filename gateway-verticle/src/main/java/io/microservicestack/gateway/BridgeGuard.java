package io.microservicestack.gateway;

import io.microservicestack.common.ProblemException;
import io.microservicestack.common.Subject;

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
    "x-forwarded-user", "x-subject", Subject.BUS_HEADER.toLowerCase(Locale.ROOT));
  /** Any header starting with this (lower case) is also an identity claim. */
  public static final String IDENTITY_PREFIX = "x-authenticated-";

  @Override
  public void handle(BridgeEvent event) {
    JsonObject frame = event.getRawMessage();
    String authorization = null;
    if (frame != null && CLIENT_FRAMES.contains(event.type())) {
      if (!hasValidHeaders(frame)) {
        event.complete(false);
        return;
      }
      authorization = frame.getJsonObject("headers", new JsonObject()).getString("authorization");
      stripIdentityHeaders(frame);
    }
    authorize(event, authorization).onComplete(event);
  }

  /**
   * Whether {@code event} may go on. The hook for authentication at the bridge: {@link Jwt} checks the token (the
   * client's frame is {@code event.getRawMessage()}, already without identity headers) and puts the subject the
   * gateway vouches for into the frame's headers. The default lets every frame the allow-list permits through.
   *
   * @param authorization the frame's {@code authorization} header as the client sent it, or null
   */
  protected Future<Boolean> authorize(BridgeEvent event, String authorization) {
    return Future.succeededFuture(true);
  }

  /** Frames a client sends that reach the bus (a register subscribes to an address). */
  private static final Set<BridgeEventType> CLIENT_FRAMES = Set.of(BridgeEventType.SEND, BridgeEventType.PUBLISH,
    BridgeEventType.REGISTER);

  /**
   * With {@code AUTH_MODE=jwt}: every frame a client sends carries a valid token in its {@code authorization} header
   * ({@code Bearer <token>} or the token alone), by the same rules as the gateway's HTTP routes, with the scope
   * {@code users:read} (everything the bridge lets in reads users); the verified subject travels on in the
   * {@code subject} delivery header. Anything else is refused with an error frame, and counted ({@link EdgeMetrics}).
   */
  static final class Jwt extends BridgeGuard {

    private final TokenVerifier verifier;
    private final EdgeMetrics metrics;

    Jwt(TokenVerifier verifier, EdgeMetrics metrics) {
      this.verifier = verifier;
      this.metrics = metrics;
    }

    @Override
    protected Future<Boolean> authorize(BridgeEvent event, String authorization) {
      if (!CLIENT_FRAMES.contains(event.type())) {
        return Future.succeededFuture(true);
      }
      if (authorization == null || authorization.isBlank()) {
        return refuse(EdgeMetrics.Refusal.MISSING_TOKEN);
      }
      String token = authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim() : authorization.trim();
      return verifier.verify(token)
        .map(identity -> {
          if (!identity.has(Scopes.USERS_READ)) {
            metrics.refused(EdgeMetrics.Entry.BRIDGE, EdgeMetrics.Refusal.INSUFFICIENT_SCOPE);
            return false;
          }
          JsonObject frame = event.getRawMessage();
          JsonObject headers = frame.getJsonObject("headers");
          if (headers == null) {
            headers = new JsonObject();
            frame.put("headers", headers);
          }
          headers.put(Subject.BUS_HEADER, identity.subject());
          event.setRawMessage(frame);
          return true;
        })
        // The keys cannot be fetched: not the client's fault, refused but not counted as a refusal of the caller.
        .recover(failure -> failure instanceof ProblemException
          ? Future.succeededFuture(false)
          : refuse(EdgeMetrics.Refusal.INVALID_TOKEN));
    }

    private Future<Boolean> refuse(EdgeMetrics.Refusal reason) {
      metrics.refused(EdgeMetrics.Entry.BRIDGE, reason);
      return Future.succeededFuture(false);
    }
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
