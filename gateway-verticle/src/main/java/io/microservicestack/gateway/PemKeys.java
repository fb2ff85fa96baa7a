package io.microservicestack.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.stream.Collectors;

/**
 * PEM keys as the JWT settings give them ({@code JWT_PUBLIC_KEY}, the token command's {@code JWT_PRIVATE_KEY}): the PEM
 * text itself (a literal {@code \n} counts as a line break, for one-line environment variables) or the path of a PEM
 * file; RSA keys sign and verify RS256, EC keys (P-256) ES256.
 */
public final class PemKeys {

  private PemKeys() {
  }

  /** The PEM text: the value itself when it is PEM, else the file it names. */
  public static Future<String> read(Vertx vertx, String value) {
    if (value.contains("-----BEGIN")) {
      return Future.succeededFuture(value.replace("\\n", "\n"));
    }
    return vertx.fileSystem().readFile(value).map(buffer -> buffer.toString(StandardCharsets.UTF_8))
      .recover(failure -> Future.failedFuture(new IllegalArgumentException(
        "JWT key '" + value + "' is neither PEM text nor a readable file: " + failure.getMessage())));
  }

  /** RS256 for an RSA key, ES256 for an EC key (public: SubjectPublicKeyInfo; private: PKCS#8). */
  public static String algorithmOf(String pem) {
    String base64 = pem.lines().filter(line -> !line.startsWith("-----")).map(String::trim).collect(Collectors.joining());
    byte[] der = Base64.getMimeDecoder().decode(base64);
    boolean isPrivate = pem.contains("PRIVATE KEY");
    for (String[] candidate : new String[][] {{"RSA", "RS256"}, {"EC", "ES256"}}) {
      try {
        KeyFactory factory = KeyFactory.getInstance(candidate[0]);
        if (isPrivate) {
          factory.generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
        } else {
          factory.generatePublic(new X509EncodedKeySpec(der));
        }
        return candidate[1];
      } catch (java.security.GeneralSecurityException e) {
        // try the next key type
      }
    }
    throw new IllegalArgumentException("The PEM key is neither an RSA nor an EC key (PKCS#8 / SubjectPublicKeyInfo)");
  }
}
