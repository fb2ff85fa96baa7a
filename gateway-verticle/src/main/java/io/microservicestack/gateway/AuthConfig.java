package io.microservicestack.gateway;

import io.microservicestack.common.Setting;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Who may call the gateway: the identity settings of {@link GatewayConfig}.
 *
 * <p>{@code AUTH_MODE=off} (the default) leaves the API open; {@code AUTH_MODE=jwt} requires a bearer token signed by
 * one of the configured keys: a JWKS URL (any OIDC provider, keys fetched and cached), a PEM public key (RS256 or
 * ES256) or a shared secret (HS256, for development). Without a key the gateway refuses to start.
 *
 * @param mode             off or jwt
 * @param jwksUrl          where the provider publishes its signing keys, or null
 * @param publicKey        a PEM public key (or the path of a PEM file), or null
 * @param secret           an HS256 secret, or null
 * @param issuer           the {@code iss} every token must carry, or null for any
 * @param audience         the audiences of which a token must name one, empty for any
 * @param leewaySeconds    clock skew allowed on {@code exp} and {@code nbf}
 * @param jwksRefreshMs    the least time between two fetches of the JWKS (an unknown {@code kid} fetches again)
 * @param allowedOrigins   the origins a websocket upgrade may come from besides the gateway's own; {@code *}: any
 */
public record AuthConfig(Mode mode, String jwksUrl, String publicKey, String secret, String issuer, List<String> audience,
                         int leewaySeconds, long jwksRefreshMs, List<String> allowedOrigins) {

  /** Whether requests need a token. */
  public enum Mode {
    /** The API is open (development, a trusted network). */
    OFF,
    /** Every protected route needs a valid bearer token with the route's scope. */
    JWT
  }

  public static final Setting AUTH_MODE = Setting.of("authMode", "AUTH_MODE", "off",
    "off: the API is open (and the gateway binds 127.0.0.1 unless HTTP_HOST is set); jwt: bearer tokens with scopes are required");
  public static final Setting JWT_JWKS_URL = Setting.of("jwtJwksUrl", "JWT_JWKS_URL", "",
    "AUTH_MODE=jwt: the provider's JWKS URL (e.g. Keycloak's .../protocol/openid-connect/certs), fetched and cached");
  public static final Setting JWT_PUBLIC_KEY = Setting.of("jwtPublicKey", "JWT_PUBLIC_KEY", "",
    "AUTH_MODE=jwt: a PEM public key (RS256 or ES256), as text or the path of a PEM file");
  public static final Setting JWT_SECRET = Setting.of("jwtSecret", "JWT_SECRET", "",
    "AUTH_MODE=jwt: an HS256 shared secret (development); also signs the tokens of the token command");
  public static final Setting JWT_ISSUER = Setting.of("jwtIssuer", "JWT_ISSUER", "", "when set, the iss every token must carry");
  public static final Setting JWT_AUDIENCE = Setting.of("jwtAudience", "JWT_AUDIENCE", "",
    "when set, comma-separated audiences of which a token's aud must name one");
  public static final Setting JWT_LEEWAY_S = Setting.of("jwtLeewayS", "JWT_LEEWAY_S", 30,
    "clock skew allowed on a token's exp and nbf (seconds)");
  public static final Setting JWKS_REFRESH_MS = Setting.of("jwksRefreshMs", "JWKS_REFRESH_MS", 30_000,
    "the least time between two JWKS fetches (ms); a token with an unknown kid fetches the keys again once");
  public static final Setting ALLOWED_ORIGINS = Setting.of("allowedOrigins", "ALLOWED_ORIGINS", "",
    "comma-separated origins a websocket upgrade may come from besides the gateway's own (* for any)");

  /** Every identity setting, in the order of the docs. */
  public static final List<Setting> SETTINGS = List.of(AUTH_MODE, JWT_JWKS_URL, JWT_PUBLIC_KEY, JWT_SECRET, JWT_ISSUER,
    JWT_AUDIENCE, JWT_LEEWAY_S, JWKS_REFRESH_MS, ALLOWED_ORIGINS);

  public AuthConfig {
    audience = List.copyOf(audience);
    allowedOrigins = List.copyOf(allowedOrigins);
    JWT_LEEWAY_S.requireRange(leewaySeconds, 0, 3_600);
    JWKS_REFRESH_MS.requireRange(jwksRefreshMs, 0, Long.MAX_VALUE);
    if (mode == Mode.JWT && jwksUrl == null && publicKey == null && secret == null) {
      throw new IllegalArgumentException("AUTH_MODE=jwt needs a key to verify tokens with: set " + JWT_JWKS_URL.env()
        + ", " + JWT_PUBLIC_KEY.env() + " or " + JWT_SECRET.env());
    }
  }

  /** Reads the identity settings of the gateway's config object. */
  public static AuthConfig fromJson(JsonObject json) {
    return new AuthConfig(mode(AUTH_MODE.string(json)), JWT_JWKS_URL.string(json), JWT_PUBLIC_KEY.string(json),
      JWT_SECRET.string(json), JWT_ISSUER.string(json), list(JWT_AUDIENCE.string(json)),
      JWT_LEEWAY_S.intValue(json), JWKS_REFRESH_MS.longValue(json), list(ALLOWED_ORIGINS.string(json)));
  }

  /** Adds the identity settings to {@code json}. */
  JsonObject addTo(JsonObject json) {
    putIfSet(json, AUTH_MODE, mode.name().toLowerCase(Locale.ROOT));
    putIfSet(json, JWT_JWKS_URL, jwksUrl);
    putIfSet(json, JWT_PUBLIC_KEY, publicKey);
    putIfSet(json, JWT_SECRET, secret);
    putIfSet(json, JWT_ISSUER, issuer);
    putIfSet(json, JWT_AUDIENCE, audience.isEmpty() ? null : String.join(",", audience));
    json.put(JWT_LEEWAY_S.key(), leewaySeconds).put(JWKS_REFRESH_MS.key(), jwksRefreshMs);
    putIfSet(json, ALLOWED_ORIGINS, allowedOrigins.isEmpty() ? null : String.join(",", allowedOrigins));
    return json;
  }

  /** Whether requests need a token. */
  public boolean enabled() {
    return mode == Mode.JWT;
  }

  private static Mode mode(String text) {
    return switch (text == null ? "" : text.trim().toLowerCase(Locale.ROOT)) {
      case "off" -> Mode.OFF;
      case "jwt" -> Mode.JWT;
      default -> throw new IllegalArgumentException(AUTH_MODE.name() + " must be off or jwt, got '" + text + "'");
    };
  }

  private static List<String> list(String text) {
    return text == null ? List.of() : Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static void putIfSet(JsonObject json, Setting setting, String value) {
    if (value != null) {
      json.put(setting.key(), value);
    }
  }
}
