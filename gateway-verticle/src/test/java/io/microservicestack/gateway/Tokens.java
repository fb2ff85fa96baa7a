package io.microservicestack.gateway;

import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signing keys and hand-made tokens for the tests, forged ones included. */
final class Tokens {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** A signing key with its id. */
  record Key(String kid, String alg, KeyPair pair) {

    static Key rsa(String kid) {
      return new Key(kid, "RS256", generate("RSA", null));
    }

    static Key ec(String kid) {
      return new Key(kid, "ES256", generate("EC", new ECGenParameterSpec("secp256r1")));
    }

    /** The public key as a JWKS entry (RSA only). */
    JsonObject jwk() {
      RSAPublicKey rsa = (RSAPublicKey) pair.getPublic();
      return new JsonObject().put("kty", "RSA").put("kid", kid).put("use", "sig").put("alg", "RS256")
        .put("n", B64.encodeToString(unsigned(rsa.getModulus())))
        .put("e", B64.encodeToString(unsigned(rsa.getPublicExponent())));
    }

    String publicPem() {
      return pem("PUBLIC KEY", pair.getPublic().getEncoded());
    }

    String privatePem() {
      return pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    }

    /** A token signed with this key, with this key's kid. */
    String sign(JsonObject claims) {
      return Tokens.sign(new JsonObject().put("alg", alg).put("typ", "JWT").put("kid", kid), claims, pair.getPrivate());
    }
  }

  private Tokens() {
  }

  /** Claims valid for ten minutes: {@code sub} and {@code scope}. */
  static JsonObject claims(String subject, String scope) {
    long now = Instant.now().getEpochSecond();
    return new JsonObject().put("sub", subject).put("scope", scope).put("iat", now).put("exp", now + 600);
  }

  static String sign(JsonObject header, JsonObject claims, PrivateKey key) {
    String input = part(header) + "." + part(claims);
    try {
      Signature signature = Signature.getInstance(header.getString("alg").startsWith("ES")
        ? "SHA256withECDSAinP1363Format" : "SHA256withRSA");
      signature.initSign(key);
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** HS256 with {@code secret} as the HMAC key (also: the algorithm-confusion attack with a public key's bytes). */
  static String hs256(JsonObject header, JsonObject claims, byte[] secret) {
    String input = part(header.copy().put("alg", "HS256")) + "." + part(claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned token ({@code alg: none}), with an empty signature part. */
  static String unsigned(JsonObject claims) {
    return part(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + part(claims) + ".";
  }

  /** The token with its payload replaced, signature kept. */
  static String tampered(String token, JsonObject claims) {
    String[] parts = token.split("\\.");
    return parts[0] + "." + part(claims) + "." + parts[2];
  }

  static String part(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static KeyPair generate(String type, ECGenParameterSpec spec) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
      if (spec != null) {
        generator.initialize(spec);
      } else {
        generator.initialize(2048);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
      + "\n-----END " + type + "-----\n";
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes[0] == 0 && bytes.length > 1) {
      byte[] trimmed = new byte[bytes.length - 1];
      System.arraycopy(bytes, 1, trimmed, 0, trimmed.length);
      return trimmed;
    }
    return bytes;
  }

  static PublicKey publicKey(Key key) {
    return key.pair().getPublic();
  }
}
