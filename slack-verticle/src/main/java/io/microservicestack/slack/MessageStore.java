package io.microservicestack.slack;

import io.microservicestack.common.Problem;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The channels' messages in Redis. Every key starts with the configured prefix ({@code slack:} by default):
 * <ul>
 *   <li>{@code <prefix>messages:<channel>}: list of {@link SlackMessage} JSON, newest at the head ({@code LPUSH});</li>
 *   <li>{@code <prefix>processed:<eventId>}: marker of an event already written, expires after {@value #PROCESSED_TTL_SECONDS} s;</li>
 *   <li>{@code <prefix>attempts:<eventId>}: how often processing an event failed, expires after {@value #ATTEMPTS_TTL_SECONDS} s;</li>
 *   <li>{@code <prefix>idempotency:<key>}: the first answer to a {@code POST /} with that {@code Idempotency-Key}, expires
 *   after {@value #IDEMPOTENCY_TTL_SECONDS} s.</li>
 * </ul>
 * Every operation fails after {@value #TIMEOUT_MS} ms rather than wait on an unreachable server, and a failed
 * Redis call fails with a 503 problem: the request was fine, the store is not reachable.
 */
public final class MessageStore {

  private static final Logger LOG = LoggerFactory.getLogger(MessageStore.class);

  /** How long an event id is remembered as processed: 7 days, far longer than any redelivery. */
  public static final long PROCESSED_TTL_SECONDS = 7L * 24 * 3600;
  /** How long a failure count is kept. */
  public static final long ATTEMPTS_TTL_SECONDS = 24L * 3600;
  /** How long the first answer to an {@code Idempotency-Key} is kept: 24 h. */
  public static final long IDEMPOTENCY_TTL_SECONDS = 24L * 3600;
  /** The most any Redis operation may take. */
  public static final long TIMEOUT_MS = 3_000;

  /*
   * Writes an event's message once: check the marker, push, then set the marker, all in one atomic script.
   * The marker is set after the LPUSH (not with SET NX before it) because Redis does not roll a script back:
   * a failing LPUSH (e.g. WRONGTYPE) must leave no marker, or the redelivered event would be skipped.
   */
  static final String ADD_ONCE_SCRIPT = """
    if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
    redis.call('LPUSH', KEYS[2], ARGV[1])
    redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
    return 1
    """;

  /*
   * Writes a message once per idempotency key, atomically: the first answer stored under the key is returned as it
   * is (and nothing is written); else the message is pushed and becomes the key's answer.
   */
  static final String ADD_IDEMPOTENT_SCRIPT = """
    local first = redis.call('GET', KEYS[1])
    if first then return first end
    redis.call('LPUSH', KEYS[2], ARGV[1])
    redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
    return false
    """;
  private static final String ADD_IDEMPOTENT_SHA = sha1(ADD_IDEMPOTENT_SCRIPT);

  private final Redis redis;
  private final String prefix;
  private final String addOnceScript;
  private final String addOnceSha;

  public MessageStore(Redis redis, String keyPrefix) {
    this(redis, keyPrefix, ADD_ONCE_SCRIPT);
  }

  /** A store running {@code addOnceScript} (tests give it a text Redis has not cached yet). */
  MessageStore(Redis redis, String keyPrefix, String addOnceScript) {
    this.redis = redis;
    this.prefix = keyPrefix;
    this.addOnceScript = addOnceScript;
    this.addOnceSha = sha1(addOnceScript);
  }

  /** Pushes {@code message} at the head of its channel's list. */
  public Future<Void> add(SlackMessage message) {
    return send(Request.cmd(Command.LPUSH).arg(messagesKey(message.channel())).arg(message.toJson().encode())).mapEmpty();
  }

  /**
   * Pushes the message of event {@code eventId} unless that event was already written.
   *
   * @return {@code true} when written now, {@code false} when the event had been written before
   */
  public Future<Boolean> addOnce(String eventId, SlackMessage message) {
    return evalAddOnce(Command.EVALSHA, addOnceSha, eventId, message)
      .recover(e -> e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")
        ? evalAddOnce(Command.EVAL, addOnceScript, eventId, message)
        : Future.failedFuture(e))
      .map(response -> response != null && response.toInteger() == 1);
  }

  /**
   * Pushes {@code message} unless a message was already posted with {@code idempotencyKey}.
   *
   * @return the message stored now, or the one stored first with that key (whatever its channel and text)
   */
  public Future<Posted> addIdempotent(String idempotencyKey, SlackMessage message) {
    String json = message.toJson().encode();
    List<String> args = List.of(idempotencyKey(idempotencyKey), messagesKey(message.channel()), json,
      String.valueOf(IDEMPOTENCY_TTL_SECONDS));
    return eval(Command.EVALSHA, ADD_IDEMPOTENT_SHA, args)
      .recover(e -> e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")
        ? eval(Command.EVAL, ADD_IDEMPOTENT_SCRIPT, args)
        : Future.failedFuture(e))
      .map(first -> first == null
        ? new Posted(message, true)
        : new Posted(SlackMessage.fromStored(first.toString(), message.channel()), false));
  }

  /**
   * The outcome of a post with an idempotency key.
   *
   * @param message the message the key stands for
   * @param created whether it was stored by this call ({@code false}: a repeat, nothing stored)
   */
  public record Posted(SlackMessage message, boolean created) {
  }

  /** A page of a channel's messages, newest first: exactly {@code limit} items when there are enough. */
  public Future<List<SlackMessage>> list(MessageQuery query) {
    long first = query.offset();
    long last = first + query.limit() - 1;
    return send(Request.cmd(Command.LRANGE).arg(messagesKey(query.channel())).arg(first).arg(last))
      .map(response -> {
        List<SlackMessage> items = new ArrayList<>();
        if (response != null) {
          response.forEach(entry -> items.add(SlackMessage.fromStored(entry.toString(), query.channel())));
        }
        return items;
      });
  }

  /** Counts one more failed attempt at event {@code eventId} and returns the count so far. */
  public Future<Long> countFailure(String eventId) {
    String key = attemptsKey(eventId);
    return unavailableOnFailure(redis.batch(List.of(
        Request.cmd(Command.INCR).arg(key),
        Request.cmd(Command.EXPIRE).arg(key).arg(ATTEMPTS_TTL_SECONDS)))
      .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS))
      .map(responses -> responses.get(0).toLong());
  }

  /** Succeeds when Redis answers {@code PING}. */
  public Future<Void> ping() {
    return send(Request.cmd(Command.PING)).mapEmpty();
  }

  String messagesKey(String channel) {
    return prefix + "messages:" + channel;
  }

  String processedKey(String eventId) {
    return prefix + "processed:" + eventId;
  }

  String idempotencyKey(String key) {
    return prefix + "idempotency:" + key;
  }

  String attemptsKey(String eventId) {
    return prefix + "attempts:" + eventId;
  }

  private Future<Response> evalAddOnce(Command command, String script, String eventId, SlackMessage message) {
    return send(Request.cmd(command).arg(script).arg(2)
      .arg(processedKey(eventId)).arg(messagesKey(message.channel()))
      .arg(message.toJson().encode()).arg(message.id() == null ? "1" : message.id()).arg(PROCESSED_TTL_SECONDS));
  }

  /** Runs a script with two keys ({@code args}: the keys, then the arguments). */
  private Future<Response> eval(Command command, String script, List<String> args) {
    Request request = Request.cmd(command).arg(script).arg(2);
    args.forEach(request::arg);
    return send(request);
  }

  private Future<Response> send(Request request) {
    return unavailableOnFailure(redis.send(request).timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS));
  }

  /**
   * Not reaching Redis (connection refused or lost, a timeout) is a 503; an error Redis answered (WRONGTYPE,
   * NOSCRIPT...) stays as it is: a bug, or handled by the caller.
   */
  /** An error Redis itself answered starts with its code in capitals ({@code WRONGTYPE ...}); a lost connection does not. */
  private static boolean isErrorReply(Throwable e) {
    return e instanceof ErrorType && e.getCause() == null && e.getMessage() != null && e.getMessage().matches("^[A-Z]{3,}(\\s.*)?$");
  }

  private static <T> Future<T> unavailableOnFailure(Future<T> future) {
    return future.recover(e -> {
      if (isErrorReply(e)) {
        return Future.failedFuture(e);
      }
      LOG.warn("A Redis call failed: {}", e.toString());
      return Future.failedFuture(Problem.unavailable("The message store is unavailable").exception());
    });
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JVM", e);
    }
  }
}
