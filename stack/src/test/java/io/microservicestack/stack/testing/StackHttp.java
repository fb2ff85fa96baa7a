package io.microservicestack.stack.testing;

import io.microservicestack.gateway.ContractAnswers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tests' HTTP client for the stacks they start. Every answer of a gateway the tests started ({@link InProcessStack}
 * and {@code StackProcess} register its port while it runs) is checked against {@code contracts/openapi.yaml} with
 * {@link ContractAnswers}: an answer that breaks the contract fails the test that got it. Answers of the services' own
 * ports, and the gateway's {@code /metrics} and {@code /health/*}, are not part of the contract and pass unchecked.
 */
public final class StackHttp {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Set<Integer> GATEWAY_PORTS = ConcurrentHashMap.newKeySet();

  private StackHttp() {
  }

  /** A gateway listens on {@code port} of 127.0.0.1 from now on: its answers are checked. */
  public static void gatewayStarted(int port) {
    GATEWAY_PORTS.add(port);
  }

  /** The gateway on {@code port} is gone (the port may serve something else next). */
  public static void gatewayStopped(int port) {
    GATEWAY_PORTS.remove(port);
  }

  /** Sends {@code request}; the answer, checked against the contract when a gateway gave it. */
  public static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    URI uri = request.uri();
    if (GATEWAY_PORTS.contains(uri.getPort())) {
      ContractAnswers.check(request.method(), uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()),
        response.statusCode(), response.headers().firstValue("Content-Type").orElse(null), response.body());
    }
    return response;
  }

  /** {@code GET url}, within 10 s. */
  public static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build());
  }

  /** {@code POST url} of a JSON body, within 10 s. */
  public static HttpResponse<String> postJson(String url, String json) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
      .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }
}
