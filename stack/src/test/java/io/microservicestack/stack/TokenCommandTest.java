package io.microservicestack.stack;

import io.microservicestack.gateway.AuthConfig;
import io.microservicestack.gateway.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("java -jar stack.jar token")
class TokenCommandTest {

  private static final String SECRET = "a-development-secret-of-32-bytes!";
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("prints a token signed with JWT_SECRET that carries the subject, the scopes, the issuer and an expiry")
  void signsWithSecret() throws Exception {
    CommandLine command = CommandLine.parse(new String[] {"token", "--sub", "ada", "--scope", "users:read users:write"},
      Map.of("JWT_SECRET", SECRET, "JWT_ISSUER", "dev"));
    assertThat(command.action()).isEqualTo(CommandLine.Action.TOKEN);

    String token = TokenCommand.token(command.config(), command.arguments());

    JWTAuth verifier = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    User user = verifier.authenticate(new TokenCredentials(token)).await(10, TimeUnit.SECONDS);
    assertThat(user.principal().getString("sub")).isEqualTo("ada");
    assertThat(user.principal().getString("scope")).isEqualTo("users:read users:write");
    assertThat(user.principal().getString("iss")).isEqualTo("dev");
    assertThat(user.attributes().getLong("exp")).isGreaterThan(user.attributes().getLong("iat"));
  }

  @Test
  @DisplayName("refuses with only a JWKS URL, saying why, and without anything to sign with names the settings")
  void refusesWithoutSigningKey() {
    assertThatThrownBy(() -> TokenCommand.token(StackConfig.from(Map.of("JWT_JWKS_URL", "https://idp/certs")), List.of("--sub", "ada")))
      .hasMessageContaining("identity provider").hasMessageContaining("JWT_SECRET").hasMessageContaining("JWT_PRIVATE_KEY");
    assertThatThrownBy(() -> TokenCommand.token(StackConfig.from(Map.of()), List.of("--sub", "ada")))
      .hasMessageContaining("JWT_SECRET");
    assertThatThrownBy(() -> TokenCommand.token(StackConfig.from(Map.of("JWT_SECRET", SECRET)), List.of("--scope", "x")))
      .hasMessageContaining("--sub");
  }

  @Test
  @DisplayName("the open one-JVM stack binds every service to 127.0.0.1 unless HTTP_HOST is set or AUTH_MODE=jwt")
  void loopbackWhenOpen() {
    java.util.Set<Role> all = Role.parse(List.of());
    assertThat(StackConfig.from(Map.of()).configFor(Role.USER, all).getString("httpHost")).isEqualTo("127.0.0.1");
    assertThat(GatewayConfig.fromJson(StackConfig.from(Map.of()).configFor(Role.GATEWAY, all)).bindHost()).isEqualTo("127.0.0.1");
    assertThat(StackConfig.from(Map.of("HTTP_HOST", "0.0.0.0")).configFor(Role.USER, all).getString("httpHost")).isEqualTo("0.0.0.0");
    Map<String, String> jwt = Map.of("AUTH_MODE", "jwt", "JWT_SECRET", SECRET);
    assertThat(StackConfig.from(jwt).configFor(Role.USER, all).getString("httpHost")).isNull();
    assertThat(GatewayConfig.fromJson(StackConfig.from(jwt).configFor(Role.GATEWAY, all)).bindHost()).isEqualTo("0.0.0.0");
    assertThat(GatewayConfig.fromJson(StackConfig.from(jwt).configFor(Role.GATEWAY, all)).auth().mode()).isEqualTo(AuthConfig.Mode.JWT);
  }
}
