package io.microservicestack.gateway;

import io.microservicestack.common.Addresses;
import io.microservicestack.common.testing.BridgeSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.List;

import static io.microservicestack.gateway.GatewayFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("The gateway's TCP event-bus bridge")
class EventBusBridgeTest {

  private Vertx vertx;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
  }

  private GatewayVerticle gatewayWithBridge() {
    return GatewayFixture.deploy(vertx, GatewayFixture.config(vertx).put("bridgePort", 0));
  }

  @Test
  @DisplayName("A raw socket that sends users.get with a reply address gets the user back in a message frame to that address.")
  void requestReply() throws IOException {
    FakeUserBus users = new FakeUserBus(0);
    await(vertx.deployVerticle(users));
    await(users.seed(2));
    GatewayVerticle gateway = gatewayWithBridge();

    try (BridgeSocket client = new BridgeSocket(gateway.bridgePort())) {
      client.write(new JsonObject().put("type", "send").put("address", Addresses.USERS_GET).put("replyAddress", "r1")
        .put("body", new JsonObject().put("id", 2)));
      JsonObject reply = client.read();

      assertThat(reply.getString("type")).isEqualTo("message");
      assertThat(reply.getString("address")).isEqualTo("r1");
      assertThat(reply.getJsonObject("body")).isEqualTo(GatewayFixture.user(2));
    }
  }

  @Test
  @DisplayName("A reply failure arrives as an err frame with its failure code (404 for an unknown user).")
  void replyFailure() throws IOException {
    FakeUserBus users = new FakeUserBus(0);
    await(vertx.deployVerticle(users));
    GatewayVerticle gateway = gatewayWithBridge();

    try (BridgeSocket client = new BridgeSocket(gateway.bridgePort())) {
      client.write(new JsonObject().put("type", "send").put("address", Addresses.USERS_GET).put("replyAddress", "r2")
        .put("body", new JsonObject().put("id", 99)));
      JsonObject error = client.read();

      assertThat(error.getString("type")).isEqualTo("err");
      assertThat(error.getString("address")).isEqualTo("r2");
      assertThat(error.getInteger("failureCode")).isEqualTo(404);
    }
  }

  @Test
  @DisplayName("Sending to an address off the allow-list, or registering for one, is refused with an err frame; the socket stays usable.")
  void refusesOtherAddresses() throws IOException {
    await(vertx.deployVerticle(new FakeUserBus(0)));
    JsonObject received = new JsonObject();
    vertx.eventBus().consumer(Addresses.SLACK_MESSAGES, message -> received.put("got", true));
    GatewayVerticle gateway = gatewayWithBridge();

    try (BridgeSocket client = new BridgeSocket(gateway.bridgePort())) {
      client.write(new JsonObject().put("type", "send").put("address", Addresses.SLACK_MESSAGES).put("replyAddress", "r3")
        .put("body", new JsonObject().put("channel", "#user")));
      JsonObject refusedSend = client.read();
      client.write(new JsonObject().put("type", "register").put("address", Addresses.USERS_GET));
      JsonObject refusedRegister = client.read();
      client.write(new JsonObject().put("type", "publish").put("address", Addresses.USERS_CREATED).put("body", new JsonObject()));
      JsonObject refusedPublish = client.read();
      client.write(new JsonObject().put("type", "send").put("address", Addresses.USERS_PING).put("replyAddress", "r4"));
      JsonObject pong = client.read();

      assertThat(refusedSend).isEqualTo(new JsonObject().put("type", "err").put("message", "access_denied"));
      assertThat(refusedRegister).isEqualTo(new JsonObject().put("type", "err").put("message", "access_denied"));
      assertThat(refusedPublish).isEqualTo(new JsonObject().put("type", "err").put("message", "access_denied"));
      assertThat(pong.getJsonObject("body")).isEqualTo(new JsonObject().put("response", "pong"));
      assertThat(received.containsKey("got")).isFalse();
    }
  }

  @Test
  @DisplayName("A client registered for users.created receives every published user, with its position.")
  void registerForCreatedUsers() throws IOException {
    FakeUserBus users = new FakeUserBus(0);
    await(vertx.deployVerticle(users));
    GatewayVerticle gateway = gatewayWithBridge();

    try (BridgeSocket client = new BridgeSocket(gateway.bridgePort())) {
      client.write(new JsonObject().put("type", "register").put("address", Addresses.USERS_CREATED));
      // The bridge handles a socket's frames in order: the pong means the register before it is in place.
      client.write(new JsonObject().put("type", "ping"));
      assertThat(client.read().getString("type")).isEqualTo("pong");
      await(users.create("Grace"));
      JsonObject frame = client.read();

      assertThat(frame.getString("type")).isEqualTo("message");
      assertThat(frame.getString("address")).isEqualTo(Addresses.USERS_CREATED);
      assertThat(frame.getJsonObject("body")).isEqualTo(await(users.frame(1)));
      assertThat(frame.getJsonObject("body").getString("name")).isEqualTo("Grace");
    }
  }

  @Test
  @DisplayName("Identity headers a client sends (x-authenticated-subject, authorization) never reach the bus; other headers do.")
  void stripsIdentityHeaders() throws IOException {
    vertx.eventBus().consumer(Addresses.USERS_PING, message -> {
      JsonObject headers = new JsonObject();
      message.headers().forEach(entry -> headers.put(entry.getKey(), entry.getValue()));
      message.reply(headers);
    });
    GatewayVerticle gateway = gatewayWithBridge();

    try (BridgeSocket client = new BridgeSocket(gateway.bridgePort())) {
      client.write(new JsonObject().put("type", "send").put("address", Addresses.USERS_PING).put("replyAddress", "r5")
        .put("headers", new JsonObject().put("X-Authenticated-Subject", "admin").put("Authorization", "Bearer forged")
          .put("x-authenticated-roles", "admin").put("x-request-id", "abc")));
      JsonObject seen = client.read().getJsonObject("body");
      client.write(new JsonObject().put("type", "send").put("address", Addresses.USERS_PING).put("replyAddress", "r6")
        .put("headers", new JsonObject().put("x-request-id", 5)));
      JsonObject badHeader = client.read();

      assertThat(seen).isEqualTo(new JsonObject().put("x-request-id", "abc"));
      assertThat(badHeader.getString("type")).isEqualTo("err");
    }
  }

  @Test
  @DisplayName("With AUTH_MODE=jwt every frame needs a valid token with users:read: the subject travels on in the subject header, a client's own subject header never does.")
  void requiresATokenWithJwt() throws IOException {
    vertx.eventBus().consumer(Addresses.USERS_PING, message -> message.reply(new JsonObject().put("subject", message.headers().get("subject"))));
    byte[] secret = "a-secret-of-the-bridge-test-32-bytes!".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    GatewayVerticle gateway = GatewayFixture.deploy(vertx, GatewayFixture.config(vertx).put("bridgePort", 0)
      .put("authMode", "jwt").put("jwtSecret", new String(secret, java.nio.charset.StandardCharsets.UTF_8)));
    JsonObject hs = new JsonObject().put("typ", "JWT");
    String reader = Tokens.hs256(hs, Tokens.claims("ada", "users:read"), secret);
    String writerOnly = Tokens.hs256(hs, Tokens.claims("bob", "users:write"), secret);
    String forged = Tokens.hs256(hs, Tokens.claims("eve", "users:read"), "another-secret-of-32-bytes-or-more!!".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    try (BridgeSocket client = new BridgeSocket(gateway.bridgePort())) {
      JsonObject ping = new JsonObject().put("type", "send").put("address", Addresses.USERS_PING);
      client.write(ping.copy().put("replyAddress", "r1").put("headers", new JsonObject().put("subject", "admin")));
      JsonObject noToken = client.read();
      client.write(ping.copy().put("replyAddress", "r2").put("headers", new JsonObject().put("authorization", "Bearer " + forged)));
      JsonObject forgedAnswer = client.read();
      client.write(ping.copy().put("replyAddress", "r3").put("headers", new JsonObject().put("authorization", "Bearer " + writerOnly)));
      JsonObject noScope = client.read();
      client.write(ping.copy().put("replyAddress", "r4")
        .put("headers", new JsonObject().put("authorization", "Bearer " + reader).put("subject", "admin")));
      JsonObject allowed = client.read();

      assertThat(List.of(noToken, forgedAnswer, noScope)).allSatisfy(frame -> assertThat(frame.getString("type")).isEqualTo("err"));
      assertThat(allowed.getString("type")).as(allowed.encode()).isEqualTo("message");
      assertThat(allowed.getJsonObject("body")).isEqualTo(new JsonObject().put("subject", "ada"));
    }
  }

  @Test
  @DisplayName("A frame of BRIDGE_MAX_FRAME_BYTES (64 KiB by default) is read; one byte more is answered with an err frame frame_too_large and the connection is closed.")
  void frameLengthLimit() throws IOException {
    GatewayVerticle gateway = gatewayWithBridge();
    int limit = GatewayConfig.fromJson(new JsonObject()).bridgeMaxFrameBytes();

    try (BridgeSocket client = new BridgeSocket(gateway.bridgePort())) {
      client.write(pingOf(limit));
      assertThat(client.read().getString("type")).isEqualTo("pong");
      client.write(pingOf(limit + 1));

      assertThat(client.read()).isEqualTo(new JsonObject().put("type", "err").put("message", "frame_too_large")
        .put("maxFrameBytes", 65_536));
      assertThat(client.closedByServer()).isTrue();
    }
  }

  @ParameterizedTest(name = "announced length {0}")
  @ValueSource(ints = {Integer.MAX_VALUE, -1, 1_025})
  @DisplayName("A client announcing a 2 GiB (or negative) frame is refused at the length prefix, without the gateway waiting for the bytes; a small limit can be set.")
  void hugeAnnouncedFrame(int announced) throws IOException {
    GatewayVerticle gateway = GatewayFixture.deploy(vertx, GatewayFixture.config(vertx).put("bridgePort", 0)
      .put("bridgeMaxFrameBytes", 1_024));

    try (BridgeSocket client = new BridgeSocket(gateway.bridgePort())) {
      client.write(new JsonObject().put("type", "ping"));
      assertThat(client.read().getString("type")).isEqualTo("pong");
      client.writeRaw(new byte[] {(byte) (announced >>> 24), (byte) (announced >>> 16), (byte) (announced >>> 8), (byte) announced,
        '{', '"'});

      assertThat(client.read()).isEqualTo(new JsonObject().put("type", "err").put("message", "frame_too_large")
        .put("maxFrameBytes", 1_024));
      assertThat(client.closedByServer()).isTrue();
    }
  }

  /** A ping frame padded to exactly {@code bytes} bytes of JSON. */
  private static JsonObject pingOf(int bytes) {
    JsonObject ping = new JsonObject().put("type", "ping").put("pad", "");
    return ping.put("pad", "p".repeat(bytes - ping.encode().length()));
  }

  @Test
  @DisplayName("Without BRIDGE_PORT the gateway runs no bridge.")
  void offByDefault() {
    assertThat(GatewayFixture.deploy(vertx, GatewayFixture.config(vertx)).bridgePort()).isEqualTo(-1);
  }
}
