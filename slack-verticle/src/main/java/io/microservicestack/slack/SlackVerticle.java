package io.microservicestack.slack;

import io.microservicestack.common.ServiceHttp;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slack service: keeps channels' messages in Redis lists, posts them to a Slack incoming webhook, and
 * writes a message for every {@code user.created} event.
 *
 * <p>Parts: the HTTP API ({@link SlackRoutes}), the event-bus RPC ({@link SlackRpc}), the Redis store
 * ({@link MessageStore}), the webhook client ({@link SlackNotifier}) and the event consumer
 * ({@link UserCreatedConsumer}, unless {@code consumeEvents} is false). Configuration: {@link SlackConfig}.
 * The deployment completes once the HTTP server listens and the RPC consumers are registered; the event
 * consumer subscribes in the background as soon as RabbitMQ answers (until then {@code /health} reports it down),
 * so the service starts, and serves, while the broker is away.
 */
public class SlackVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SlackVerticle.class);
  /** The {@code role} label of this service's meters. */
  static final String ROLE = "slack";

  private Redis redis;
  private SlackNotifier notifier;
  private SlackRpc rpc;
  private UserCreatedConsumer consumer;
  private volatile HttpServer server;

  @Override
  public Future<?> start() {
    SlackConfig config = SlackConfig.fromJson(config());
    redis = Redis.createClient(vertx, config.redisOptions());
    MessageStore store = new MessageStore(redis, config.keyPrefix());
    notifier = SlackNotifier.create(vertx, config);
    consumer = config.consumeEvents() ? new UserCreatedConsumer(vertx, config, store, notifier) : null;
    HealthChecks health = SlackHealth.create(vertx, store, consumer);
    rpc = new SlackRpc(store);
    if (!notifier.enabled()) {
      LOG.info("slackWebhookUrl is not set: messages are stored but not posted to Slack");
    }
    Future<HttpServer> http = ServiceHttp.listen(vertx, new SlackRoutes(store, notifier, health).router(vertx), "slack service",
      config.httpHost(), config.httpPort(), SlackConfig.HTTP_PORT).onSuccess(s -> server = s);
    if (consumer != null) {
      consumer.start().onFailure(e -> LOG.error("The user.created consumer could not subscribe", e));
    }
    // join, not all: on a failure every part has settled before release() closes them.
    return Future.join(http, rpc.register(vertx.eventBus()))
      .recover(failure -> {
        LOG.error("The slack service could not start", failure);
        return release().transform(ar -> Future.failedFuture(failure));
      });
  }

  @Override
  public Future<?> stop() {
    return release();
  }

  /** Stops serving, then closes the clients; each step runs even when an earlier one failed. */
  private Future<Void> release() {
    return ServiceHttp.shutdown(server)
      .eventually(() -> rpc == null ? Future.succeededFuture() : rpc.unregister())
      .eventually(() -> consumer == null ? Future.succeededFuture() : consumer.stop())
      .eventually(() -> {
        if (notifier != null) {
          notifier.close();
        }
        return redis == null ? Future.<Void>succeededFuture() : redis.close();
      });
  }

  /** The port the HTTP server is bound to, once started (useful with {@code httpPort} 0). */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }
}
