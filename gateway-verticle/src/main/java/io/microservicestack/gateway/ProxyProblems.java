package io.microservicestack.gateway;

import io.microservicestack.common.Problem;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * The first interceptor of every proxy: turns a failed exchange with the upstream into an
 * {@code application/problem+json} answer instead of vertx-http-proxy's empty 502.
 *
 * <ul>
 *   <li>the upstream cannot be reached (connection refused, connect timeout): 503 Service Unavailable;</li>
 *   <li>the upstream sent nothing for the proxy timeout, or no pooled connection was free in time: 504 Gateway Timeout;</li>
 *   <li>anything else before the response head (connection reset, malformed response): 502 Bad Gateway.</li>
 * </ul>
 * A failure after the upstream's response head was relayed cannot be answered any more: the connection is closed.
 *
 * <p>Each upstream has a circuit breaker (vertx-circuit-breaker): after {@code BREAKER_MAX_FAILURES} failed exchanges
 * in a row it opens and every request is answered 503 with {@code Retry-After} at once, without calling the upstream;
 * after {@code BREAKER_RESET_MS} one request probes it (half-open) and a success closes the circuit again.
 */
final class ProxyProblems implements ProxyInterceptor {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyProblems.class);
  private static final MediaType PROBLEM_JSON = MediaType.parse(Problem.CONTENT_TYPE);

  private final String service;
  private final String address;
  private final long timeoutMs;
  private final CircuitBreaker breaker;
  private final long retryAfterSeconds;

  ProxyProblems(String service, String host, int port, long timeoutMs, CircuitBreaker breaker, long resetMs) {
    this.service = service;
    this.address = host + ":" + port;
    this.timeoutMs = timeoutMs;
    this.breaker = breaker;
    this.retryAfterSeconds = Math.max(1, (resetMs + 999) / 1000);
  }

  /**
   * The exchange runs inside the upstream's circuit breaker: while it is open the answer is a 503 at once. An exchange
   * cut short because the client hung up (a browser navigating away, a load generator stopping with requests in
   * flight) is not the upstream's failure: it does not count towards opening the circuit.
   */
  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
    return breaker.<ProxyResponse>execute(() -> context.sendRequest()
        .recover(failure -> clientLeft(context) ? Future.succeededFuture(problemResponse(context, failure)) : Future.failedFuture(failure)))
      .recover(failure -> Future.succeededFuture(problemResponse(context, failure)));
  }

  private static boolean clientLeft(ProxyContext context) {
    return context.request().proxiedRequest().response().closed();
  }

  private ProxyResponse problemResponse(ProxyContext context, Throwable failure) {
    Problem problem = problemOf(failure);
    if (failure instanceof OpenCircuitException) {
      LOG.debug("{} {}: the {} circuit is open", context.request().getMethod(), context.request().getURI(), service);
    } else if (clientLeft(context)) {
      // The client hung up (a browser navigating away, a load generator stopping): nothing went wrong upstream.
      LOG.debug("{} {}: the client left before the {} service answered", context.request().getMethod(),
        context.request().getURI(), service);
    } else {
      LOG.warn("{} {} to the {} service at {} answered {}: {}", context.request().getMethod(), context.request().getURI(),
        service, address, problem.status(), failure.toString());
    }
    Buffer body = problem.toJson().toBuffer();
    ProxyResponse response = context.request().release().response()
      .setStatusCode(problem.status())
      .setBody(Body.body(body, PROBLEM_JSON));
    if (failure instanceof OpenCircuitException) {
      response.headers().set("Retry-After", String.valueOf(retryAfterSeconds));
    }
    return response;
  }

  Problem problemOf(Throwable failure) {
    if (failure instanceof OpenCircuitException) {
      return Problem.unavailable("The " + service + " service failed repeatedly; the gateway stops calling it for a while");
    }
    if (failure instanceof TimeoutException) {
      return Problem.of(504, "Gateway Timeout", "The " + service + " service did not answer within " + timeoutMs + " ms");
    }
    if (failure instanceof ConnectException) {
      return Problem.unavailable("The " + service + " service at " + address + " cannot be reached");
    }
    return Problem.of(502, "Bad Gateway", "The exchange with the " + service + " service failed: " + failure.getMessage());
  }
}
