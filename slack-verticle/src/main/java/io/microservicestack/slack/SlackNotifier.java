package io.microservicestack.slack;

import io.micrometer.core.instrument.Counter;
import io.microservicestack.common.Metrics;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts messages to a Slack incoming webhook as {@code {"channel", "text"}}.
 *
 * <p>A 5xx, a 429 or a connection error is retried up to {@code slackMaxRetries} times, after
 * {@code slackBackoffMs} doubled on each retry (capped at {@value #MAX_BACKOFF_MS} ms), or after the
 * {@code Retry-After} seconds of a 429 (capped at {@value #MAX_RETRY_AFTER_MS} ms). Any other 4xx is not
 * retried. Waiting uses timers only. Without a webhook URL nothing is posted. Every attempt counts in
 * {@code slack_webhook_calls_total{status_class}}: {@code 2xx}, {@code 3xx}, {@code 4xx}, {@code 5xx}, or {@code error}
 * when no response came.
 */
public final class SlackNotifier {

  private static final Logger LOG = LoggerFactory.getLogger(SlackNotifier.class);
  /** Longest pause between two retries when backing off. */
  static final long MAX_BACKOFF_MS = 30_000;
  /** Longest {@code Retry-After} honoured. */
  static final long MAX_RETRY_AFTER_MS = 60_000;
  /** The most one webhook request may take. */
  static final long REQUEST_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final WebClient client;
  private final String webhookUrl;
  private final int maxRetries;
  private final long backoffMs;
  private volatile boolean closed;
  /** Webhook calls by status class: index 0 no response, 1 to 5 the classes 1xx to 5xx. */
  private final Counter[] calls = new Counter[6];

  private SlackNotifier(Vertx vertx, String webhookUrl, int maxRetries, long backoffMs) {
    this.vertx = vertx;
    this.webhookUrl = webhookUrl;
    this.maxRetries = maxRetries;
    this.backoffMs = backoffMs;
    this.client = webhookUrl == null ? null : WebClient.create(vertx);
    for (int i = 0; i < calls.length; i++) {
      calls[i] = Counter.builder("slack.webhook.calls").description("Slack webhook calls by status class (error: no response)")
        .tag("status_class", i == 0 ? "error" : i + "xx").tag(Metrics.ROLE, SlackVerticle.ROLE).register(Metrics.registry());
    }
  }

  /** A notifier for {@code config.slackWebhookUrl()}, or one that posts nothing when it is not set. */
  public static SlackNotifier create(Vertx vertx, SlackConfig config) {
    return new SlackNotifier(vertx, config.slackWebhookUrl(), config.slackMaxRetries(), config.slackBackoffMs());
  }

  public boolean enabled() {
    return client != null;
  }

  /**
   * Posts {@code message}, retrying as needed. Never fails.
   *
   * @return {@code true} once Slack accepted it, {@code false} when it was not posted (disabled, rejected or out of retries)
   */
  public Future<Boolean> post(SlackMessage message) {
    if (!enabled()) {
      return Future.succeededFuture(false);
    }
    JsonObject payload = new JsonObject().put("channel", message.channel()).put("text", message.message());
    return attempt(payload, 0);
  }

  /** Posts {@code message} without anyone waiting for it; the outcome is logged. */
  public void postInBackground(SlackMessage message) {
    post(message);
  }

  /** Stops retrying and closes the HTTP client. */
  public void close() {
    closed = true;
    if (client != null) {
      client.close();
    }
  }

  private Future<Boolean> attempt(JsonObject payload, int retry) {
    return client.postAbs(webhookUrl)
      .timeout(REQUEST_TIMEOUT_MS)
      .sendJsonObject(payload)
      .transform(ar -> outcome(ar, payload, retry));
  }

  private Future<Boolean> outcome(AsyncResult<HttpResponse<Buffer>> ar, JsonObject payload, int retry) {
    calls[ar.succeeded() ? Math.max(1, Math.min(5, ar.result().statusCode() / 100)) : 0].increment();
    if (ar.succeeded() && ar.result().statusCode() < 300) {
      LOG.debug("Posted to Slack channel {}", payload.getString("channel"));
      return Future.succeededFuture(true);
    }
    String what = ar.succeeded() ? "status " + ar.result().statusCode() : "error " + ar.cause();
    if (ar.succeeded() && !retryable(ar.result().statusCode())) {
      LOG.warn("Slack rejected a message to {} with {}: {}; not retrying", payload.getString("channel"), what, ar.result().bodyAsString());
      return Future.succeededFuture(false);
    }
    if (retry >= maxRetries || closed) {
      LOG.warn("Giving up posting to Slack channel {} after {} attempts, last {}", payload.getString("channel"), retry + 1, what);
      return Future.succeededFuture(false);
    }
    long delay = delayMs(ar.succeeded() ? ar.result() : null, retry);
    LOG.info("Posting to Slack failed with {}; retry {} of {} in {} ms", what, retry + 1, maxRetries, delay);
    return vertx.timer(delay).compose(v -> closed ? Future.succeededFuture(false) : attempt(payload, retry + 1));
  }

  static boolean retryable(int status) {
    return status == 429 || status >= 500;
  }

  /** The pause before retry {@code retry + 1}: the 429's {@code Retry-After} when it has one, else the backoff. */
  long delayMs(HttpResponse<Buffer> response, int retry) {
    if (response != null && response.statusCode() == 429) {
      Long retryAfter = retryAfterMs(response.getHeader("Retry-After"));
      if (retryAfter != null) {
        return retryAfter;
      }
    }
    return Math.min(MAX_BACKOFF_MS, backoffMs << Math.min(retry, 20));
  }

  static Long retryAfterMs(String header) {
    if (header == null) {
      return null;
    }
    try {
      long seconds = Long.parseLong(header.trim());
      return Math.max(0, Math.min(MAX_RETRY_AFTER_MS, seconds * 1_000));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
