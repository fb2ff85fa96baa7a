package io.microservicestack.stack;

import com.sun.net.httpserver.HttpServer;
import io.microservicestack.stack.testing.StackHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The tests' HTTP client checks a gateway's answers against the contract")
class StackHttpTest {

  private HttpServer server;
  private String url;

  /** A server that answers {@code /ping} as no gateway may: {@code {"response":"ping"}}. */
  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/ping", exchange -> {
      byte[] body = "{\"response\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort() + "/ping";
  }

  @AfterEach
  void stop() {
    StackHttp.gatewayStopped(server.getAddress().getPort());
    server.stop(0);
  }

  @Test
  @DisplayName("An answer that breaks the contract fails the request when a gateway gave it, and passes from any other server.")
  void checksOnlyGateways() throws Exception {
    assertThat(StackHttp.get(url).body()).as("not a gateway: unchecked").contains("ping");

    StackHttp.gatewayStarted(server.getAddress().getPort());

    assertThatThrownBy(() -> StackHttp.get(url)).isInstanceOf(AssertionError.class)
      .hasMessageContaining("GET /ping answered 200").hasMessageContaining("schema of ping 200");
  }
}
