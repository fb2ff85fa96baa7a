package io.microservicestack.stack;

import io.microservicestack.gateway.AuthConfig;
import io.microservicestack.gateway.PemKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar stack.jar token --sub ada --scope "users:read users:write" [--ttl 3600]}: a development token the
 * gateway accepts, signed with {@code JWT_PRIVATE_KEY} (PEM, RS256 or ES256) when it is set, else with
 * {@code JWT_SECRET} (HS256). It carries {@code JWT_ISSUER} and the first {@code JWT_AUDIENCE} when they are set.
 * With only {@code JWT_JWKS_URL} it refuses: those keys belong to the identity provider, which issues the tokens.
 */
final class TokenCommand {

  static final long DEFAULT_TTL_SECONDS = 3_600;

  private TokenCommand() {
  }

  /**
   * The signed token.
   *
   * @throws IllegalArgumentException for a bad option, or when nothing is configured to sign with
   */
  static String token(StackConfig config, List<String> args) throws Exception {
    String subject = null;
    String scope = "";
    long ttl = DEFAULT_TTL_SECONDS;
    for (int i = 0; i < args.size(); i++) {
      String option = args.get(i);
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException("token: " + option + " needs a value; usage: token --sub <subject> [--scope \"a b\"] [--ttl <seconds>]");
      }
      String value = args.get(++i);
      switch (option) {
        case "--sub" -> subject = value;
        case "--scope" -> scope = value;
        case "--ttl" -> ttl = parseTtl(value);
        default -> throw new IllegalArgumentException("token: unknown option '" + option + "'; usage: token --sub <subject> [--scope \"a b\"] [--ttl <seconds>]");
      }
    }
    if (subject == null || subject.isBlank()) {
      throw new IllegalArgumentException("token: --sub <subject> is required");
    }
    PubSecKeyOptions key = signingKey(config);
    long now = Instant.now().getEpochSecond();
    JsonObject claims = new JsonObject().put("sub", subject).put("scope", scope.trim()).put("iat", now).put("exp", now + ttl);
    if (config.isSet(AuthConfig.JWT_ISSUER)) {
      claims.put("iss", config.get(AuthConfig.JWT_ISSUER));
    }
    if (config.isSet(AuthConfig.JWT_AUDIENCE)) {
      claims.put("aud", Arrays.stream(config.get(AuthConfig.JWT_AUDIENCE).split(",")).map(String::trim).findFirst().orElse(""));
    }
    Vertx vertx = Vertx.vertx();
    try {
      JWTAuth auth = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key));
      return auth.generateToken(claims, new JWTOptions().setAlgorithm(key.getAlgorithm()).setNoTimestamp(true));
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static PubSecKeyOptions signingKey(StackConfig config) throws Exception {
    if (config.isSet(LauncherSettings.JWT_PRIVATE_KEY)) {
      Vertx vertx = Vertx.vertx();
      try {
        String pem = PemKeys.read(vertx, config.get(LauncherSettings.JWT_PRIVATE_KEY)).await(10, TimeUnit.SECONDS);
        return new PubSecKeyOptions().setAlgorithm(PemKeys.algorithmOf(pem)).setBuffer(pem);
      } finally {
        vertx.close().await(10, TimeUnit.SECONDS);
      }
    }
    if (config.isSet(AuthConfig.JWT_SECRET)) {
      return new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.get(AuthConfig.JWT_SECRET));
    }
    if (config.isSet(AuthConfig.JWT_JWKS_URL)) {
      throw new IllegalStateException("token: with JWT_JWKS_URL the identity provider issues the tokens (its private keys are"
        + " not here); get one from it, or set JWT_SECRET or JWT_PRIVATE_KEY to sign development tokens");
    }
    throw new IllegalStateException("token: nothing to sign with; set JWT_SECRET (HS256) or JWT_PRIVATE_KEY (PEM, RS256 or ES256)");
  }

  private static long parseTtl(String value) {
    try {
      long ttl = Long.parseLong(value);
      if (ttl >= 1) {
        return ttl;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new IllegalArgumentException("token: --ttl must be a number of seconds, at least 1, got '" + value + "'");
  }
}
