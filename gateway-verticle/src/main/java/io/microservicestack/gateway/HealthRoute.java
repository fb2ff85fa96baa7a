package io.microservicestack.gateway;

import io.microservicestack.common.Addresses;
import io.microservicestack.common.ServiceHttp;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /health}: asks every service the gateway depends on, in parallel, and answers in the original
 * project's format plus an overall status:
 * <pre>{"status": "UP", "user": {"time": 24, "response": "pong"}, "slack": {"time": 50, "response": "pong"},
 *  "userRpc": {"time": 2, "response": "pong"}}</pre>
 * 200 when every service is well, 503 when one is not; that entry then has {@code "error"} instead of
 * {@code "response"}, saying what is wrong (e.g. {@code "not ready: postgres DOWN (Connection refused)"}).
 * {@code "rateLimits"} says where the rate budgets are kept ({@code UP} in Redis, {@code DEGRADED} in this process
 * while Redis is away, {@code OFF}); {@code "circuits"} the state of each upstream's circuit breaker. Neither changes
 * the status.
 *
 * <p>What is asked: {@code user} and {@code slack} are {@code GET /health/ready} on the configured upstreams (what
 * the proxied routes go to): a service that answers but whose own dependencies are down (PostgreSQL for user; Redis
 * or RabbitMQ for slack) answers 503 there and is reported not well, since its requests would fail too. A ready
 * service's entry keeps the original {@code "response": "pong"}. {@code userRpc} is {@code users.ping} over the
 * event bus (what {@code GET /users...} and the websocket feed's history go to). Each check is a vertx-health-check
 * procedure with its own {@code healthTimeoutMs}, so the answer never takes much longer than that.
 */
final class HealthRoute implements Handler<RoutingContext> {

  static final List<String> CHECKS = List.of("user", "slack", "userRpc");

  private final Vertx vertx;
  private final long timeoutMs;
  private final WebClient client;
  private final HealthChecks checks;
  private final RateLimiter limiter;
  /** The upstreams' circuit states, once the proxied routes exist. */
  private java.util.function.Supplier<JsonObject> circuits;

  HealthRoute(Vertx vertx, GatewayConfig config, RateLimiter limiter) {
    this.vertx = vertx;
    this.limiter = limiter;
    this.timeoutMs = config.healthTimeoutMs();
    this.client = WebClient.create(vertx, new WebClientOptions()
      .setName("gateway-health")
      .setKeepAlive(true)
      .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs)));
    // tryComplete: the procedure's own timeout may have failed the promise already.
    this.checks = HealthChecks.create(vertx)
      .register("user", timeoutMs,
        promise -> httpReady(config.userHost(), config.userPort()).onSuccess(promise::tryComplete))
      .register("slack", timeoutMs,
        promise -> httpReady(config.slackHost(), config.slackPort()).onSuccess(promise::tryComplete))
      .register("userRpc", timeoutMs,
        promise -> busPing(Addresses.USERS_PING).onSuccess(promise::tryComplete));
  }

  @Override
  public void handle(RoutingContext ctx) {
    checks.checkStatus()
      .onSuccess(result -> respond(ctx, result))
      .onFailure(ctx::fail);
  }

  /** Adds the upstreams' circuit states ({@code "circuits": {"user": "CLOSED", ...}}) to the answer. */
  void showCircuits(java.util.function.Supplier<JsonObject> circuits) {
    this.circuits = circuits;
  }

  void close() {
    client.close();
  }

  private void respond(RoutingContext ctx, CheckResult result) {
    Map<String, CheckResult> byName = new HashMap<>();
    result.getChecks().forEach(check -> byName.put(check.getId(), check));
    JsonObject body = new JsonObject().put("status", result.getUp() ? "UP" : "DOWN");
    CHECKS.forEach(name -> body.put(name, entry(byName.get(name))));
    // Informational: a degraded limiter never makes the gateway DOWN (it falls back to limits of its own).
    body.put("rateLimits", limiter.health());
    if (circuits != null) {
      body.put("circuits", circuits.get());
    }
    ctx.response()
      .setStatusCode(result.getUp() ? 200 : 503)
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
      .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
      .end(body.toBuffer());
  }

  /** A procedure's own data, or, when the procedure itself timed out, an error entry. */
  private JsonObject entry(CheckResult check) {
    if (check != null && check.getStatus() != null) {
      return check.getStatus().getData();
    }
    return new JsonObject().put("time", timeoutMs).put("error", "no answer within " + timeoutMs + " ms");
  }

  private Future<Status> httpReady(String host, int port) {
    long start = System.nanoTime();
    return client.get(port, host, ServiceHttp.READY_PATH)
      .timeout(timeoutMs)
      .send()
      .map(response -> readiness(start, response))
      .recover(failure -> Future.succeededFuture(down(start, failure)));
  }

  /** 200: ready ("pong", as the original ping answered); 503: which of its dependencies are down, and why. */
  private static Status readiness(long start, HttpResponse<Buffer> response) {
    if (response.statusCode() == 200) {
      return up(start, "pong");
    }
    if (response.statusCode() != 503) {
      return down(start, "answered HTTP " + response.statusCode());
    }
    List<String> down = new ArrayList<>();
    try {
      JsonArray checks = response.bodyAsJsonObject().getJsonArray("checks", new JsonArray());
      for (Object item : checks) {
        if (item instanceof JsonObject check && !"UP".equals(check.getString("status"))) {
          JsonObject data = check.getJsonObject("data", new JsonObject());
          down.add(check.getString("id") + " " + check.getString("status")
            + (data.getValue("error") == null ? "" : " (" + data.getValue("error") + ")"));
        }
      }
    } catch (RuntimeException e) {
      // not the health-check format: the status says enough
    }
    return down(start, "not ready" + (down.isEmpty() ? "" : ": " + String.join(", ", down)));
  }

  private Future<Status> busPing(String address) {
    long start = System.nanoTime();
    return vertx.eventBus().<Object>request(address, new JsonObject(), new DeliveryOptions().setSendTimeout(timeoutMs))
      .map(reply -> up(start, reply.body() instanceof JsonObject json ? json.getValue("response") : reply.body()))
      .recover(failure -> Future.succeededFuture(down(start, failure)));
  }

  private static Status up(long start, Object response) {
    return Status.OK(new JsonObject().put("time", millisSince(start)).put("response", response));
  }

  private static Status down(long start, Throwable failure) {
    String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    return down(start, message);
  }

  private static Status down(long start, String error) {
    return Status.KO(new JsonObject().put("time", millisSince(start)).put("error", error));
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
