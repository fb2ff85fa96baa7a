package io.microservicestack.gateway;

import io.microservicestack.common.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.http.HttpResponseExpectation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies bearer tokens with vertx-auth-jwt against the configured keys: a shared secret (HS256), a PEM public key
 * (RS256 or ES256), or the keys of a JWKS URL.
 *
 * <p>The JWKS is fetched at start and cached. A token whose {@code kid} is not among the cached keys makes the
 * verifier fetch the JWKS again (at most once per {@code jwksRefreshMs}, and one fetch at a time) and verify once
 * more, so the first token signed with a key the provider just rotated in is accepted. Until the keys could be
 * fetched at all, a token is answered 503 (the gateway cannot tell whether it is valid), never accepted.
 *
 * <p>Besides the signature the verifier checks {@code exp} (required) and {@code nbf} with the configured leeway, and
 * {@code iss} and {@code aud} when configured; a token must have a {@code sub}.
 */
final class TokenVerifier {

  /** Why a token is refused: never told to the caller beyond "invalid token". */
  static final class InvalidToken extends RuntimeException {
    InvalidToken(String reason) {
      super(reason, null, false, false);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);
  private static final long JWKS_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final AuthConfig config;
  private final JWTOptions checks;
  private final WebClient client;
  private JWTAuth auth;
  private Set<String> knownKids = Set.of();
  private long lastFetchNanos;
  private boolean fetchedOnce;
  private Future<Void> fetching;

  private TokenVerifier(Vertx vertx, AuthConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.checks = new JWTOptions().setLeeway(config.leewaySeconds());
    if (config.issuer() != null) {
      checks.setIssuer(config.issuer());
    }
    if (!config.audience().isEmpty()) {
      checks.setAudience(config.audience());
    }
    this.client = config.jwksUrl() == null ? null : WebClient.create(vertx);
  }

  /**
   * A verifier with its keys loaded: the secret or PEM key read (a PEM that is neither RSA nor EC fails the start),
   * the JWKS fetched (a JWKS that cannot be fetched yet only logs a warning: it is fetched again on demand).
   */
  static Future<TokenVerifier> create(Vertx vertx, AuthConfig config) {
    TokenVerifier verifier = new TokenVerifier(vertx, config);
    if (config.jwksUrl() != null) {
      return verifier.refresh()
        .recover(failure -> {
          LOG.warn("The JWKS at {} cannot be fetched yet ({}): tokens are answered 503 until it can", config.jwksUrl(),
            failure.getMessage());
          return Future.succeededFuture();
        })
        .map(verifier);
    }
    if (config.publicKey() != null) {
      return PemKeys.read(vertx, config.publicKey()).map(pem -> {
        verifier.use(new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm(PemKeys.algorithmOf(pem)).setBuffer(pem)));
        return verifier;
      });
    }
    verifier.use(new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.secret())));
    return Future.succeededFuture(verifier);
  }

  /** The identity a token proves, or a failed future: {@link InvalidToken}, or a 503 problem when no keys are loaded. */
  Future<Identity> verify(String token) {
    JsonObject header;
    try {
      header = header(token);
    } catch (RuntimeException e) {
      return Future.failedFuture(new InvalidToken("malformed: " + e.getMessage()));
    }
    String kid = header.getString("kid");
    boolean fetchFirst = auth == null ? floorPassed() : kid != null && mayRefetch(kid);
    Future<Void> keys = fetchFirst ? refetch() : Future.succeededFuture();
    return keys
      .compose(v -> authenticate(token))
      .recover(failure -> failure instanceof NoSuchKeyIdException && kid != null && mayRefetch(kid)
        ? refetch().compose(v -> authenticate(token))
        : Future.failedFuture(failure))
      .map(this::identity);
  }

  void close() {
    if (client != null) {
      client.close();
    }
  }

  private Future<User> authenticate(String token) {
    if (auth == null) {
      return Future.failedFuture(Problem.unavailable("The keys to verify tokens with cannot be fetched").exception());
    }
    return auth.authenticate(new TokenCredentials(token))
      .recover(failure -> Future.failedFuture(failure instanceof NoSuchKeyIdException ? failure : new InvalidToken(String.valueOf(failure.getMessage()))));
  }

  /** A kid we have not seen, and the last fetch is at least the floor ago. */
  private boolean mayRefetch(String kid) {
    return !knownKids.contains(kid) && floorPassed();
  }

  private boolean floorPassed() {
    return client != null && (!fetchedOnce || (System.nanoTime() - lastFetchNanos) / 1_000_000 >= config.jwksRefreshMs());
  }

  private Future<Void> refetch() {
    if (client == null) {
      return Future.succeededFuture();
    }
    if (fetching == null) {
      fetching = refresh().onComplete(ar -> fetching = null);
    }
    // A fetch that fails keeps the keys we had: a token they verify stays valid.
    return fetching.recover(failure -> Future.succeededFuture());
  }

  /** Fetches the JWKS and replaces the keys (only with at least one usable signing key). */
  private Future<Void> refresh() {
    fetchedOnce = true;
    lastFetchNanos = System.nanoTime();
    return client.getAbs(config.jwksUrl())
      .timeout(JWKS_TIMEOUT_MS)
      .send()
      .expecting(HttpResponseExpectation.SC_OK)
      .map(HttpResponse::bodyAsJsonObject)
      .compose(jwks -> {
        JWTAuthOptions options = new JWTAuthOptions();
        Set<String> kids = new LinkedHashSet<>();
        JsonArray keys = jwks == null ? new JsonArray() : jwks.getJsonArray("keys", new JsonArray());
        for (Object entry : keys) {
          if (entry instanceof JsonObject jwk && isSigningKey(jwk)) {
            options.addJwk(jwk);
            if (jwk.getString("kid") != null) {
              kids.add(jwk.getString("kid"));
            }
          }
        }
        if (options.getJwks() == null || options.getJwks().isEmpty()) {
          return Future.failedFuture("the JWKS has no RSA or EC signing key");
        }
        use(options);
        knownKids = Set.copyOf(kids);
        LOG.info("Loaded {} signing key(s) from {}: {}", options.getJwks().size(), config.jwksUrl(), kids);
        return Future.<Void>succeededFuture();
      })
      .onFailure(failure -> LOG.warn("Fetching the JWKS at {} failed: {}", config.jwksUrl(), failure.getMessage()));
  }

  private void use(JWTAuthOptions options) {
    auth = JWTAuth.create(vertx, options.setJWTOptions(checks));
  }

  private Identity identity(User user) {
    JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
    if (!(claims.getValue("exp") instanceof Number)) {
      throw new InvalidToken("no exp");
    }
    String subject = claims.getValue("sub") instanceof String sub && !sub.isBlank() ? sub : null;
    if (subject == null) {
      throw new InvalidToken("no sub");
    }
    return new Identity(subject, scopes(claims));
  }

  static Set<String> scopes(JsonObject claims) {
    Set<String> scopes = new LinkedHashSet<>();
    for (String claim : List.of("scope", "scp")) {
      Object value = claims.getValue(claim);
      if (value instanceof String text) {
        scopes.addAll(Arrays.stream(text.split("\\s+")).filter(s -> !s.isEmpty()).toList());
      } else if (value instanceof JsonArray array) {
        array.stream().filter(String.class::isInstance).map(String.class::cast).forEach(scopes::add);
      }
    }
    return scopes;
  }

  /** The token's header; only a compact JWS with three non-empty parts is considered at all ({@code alg: none} is not). */
  private static JsonObject header(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || Arrays.stream(parts).anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException("not a signed JWT");
    }
    JsonObject header = new JsonObject(Buffer.buffer(Base64.getUrlDecoder().decode(parts[0])));
    if ("none".equalsIgnoreCase(header.getString("alg", "none"))) {
      throw new IllegalArgumentException("alg none");
    }
    return header;
  }

  private static boolean isSigningKey(JsonObject jwk) {
    String use = jwk.getString("use");
    String kty = jwk.getString("kty");
    return (use == null || use.equals("sig")) && ("RSA".equals(kty) || "EC".equals(kty));
  }
}
