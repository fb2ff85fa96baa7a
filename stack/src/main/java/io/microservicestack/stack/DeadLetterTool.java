package io.microservicestack.stack;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.microservicestack.common.CommonSettings;
import io.microservicestack.common.Topology;
import io.vertx.core.json.JsonObject;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The dead-letter tool: {@code java -jar stack.jar dlq list|replay|drop --queue <queue> [--id <message-id>|--all]}.
 *
 * <ul>
 *   <li>{@code list} prints every message parked in {@code <queue>.dlq}, one JSON line each: {@code id},
 *   {@code reason} ({@code x-reason}), {@code originalQueue} ({@code x-original-queue}), {@code body} (the text, or
 *   {@code bodyBase64} when it is not UTF-8); it takes nothing away;</li>
 *   <li>{@code replay} moves the chosen messages back to their original queue, after a fix, with their body and
 *   properties ({@code x-reason} and {@code x-original-queue} removed);</li>
 *   <li>{@code drop} deletes the chosen messages, printing each one first (the terminal keeps the record).</li>
 * </ul>
 * A message's id is its AMQP {@code message-id} (the services give every message they park one), else
 * {@code sha256:} and the first 16 hex digits of its body's hash. {@code --queue} names the original queue
 * ({@code user}) or its DLQ ({@code user.dlq}).
 *
 * <p>Nothing is lost, whatever happens to the tool: each message is taken with a manual ack
 * ({@code basic.get}), published to its queue and confirmed by the broker, and only then acked in the DLQ; a message
 * the tool leaves alone stays unacked until the end and is then given back. A crash before the ack leaves the
 * message in both queues at worst (the consumers are idempotent), never in neither: the broker requeues every
 * unacked message of a closed connection. The tool is a short-lived command, so it uses RabbitMQ's own blocking
 * client on the main thread rather than an event loop.
 */
final class DeadLetterTool {

  static final String COMMAND = "dlq";
  private static final long CONFIRM_TIMEOUT_MS = 10_000;
  private static final String ORIGINAL_QUEUE = "x-original-queue";
  private static final String USAGE = "Usage: java -jar stack.jar dlq list|replay|drop --queue <queue> [--id <message-id>|--all]";

  private final PrintWriter out;

  private DeadLetterTool(PrintWriter out) {
    this.out = out;
  }

  /**
   * Runs the command {@code args} (what follows {@code dlq}) against {@code AMQP_URI} of {@code settings}.
   *
   * @return the exit status: 0 done, 1 a broker failure, 2 bad arguments
   * @throws IllegalArgumentException for bad arguments, saying what is wrong
   */
  static int run(String[] args, Map<String, String> settings, PrintWriter out) throws Exception {
    Request request = Request.parse(args);
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(StackConfig.from(settings).get(CommonSettings.AMQP_URI));
    factory.setAutomaticRecoveryEnabled(false);
    try (Connection connection = factory.newConnection("microservice-stack dlq tool")) {
      Channel channel = connection.createChannel();
      channel.confirmSelect();
      DeadLetterTool tool = new DeadLetterTool(out);
      int count = tool.apply(channel, request);
      out.println(switch (request.action()) {
        case "list" -> count + " message(s) parked in " + request.dlq();
        case "replay" -> "replayed " + count + " message(s) from " + request.dlq();
        default -> "dropped " + count + " message(s) from " + request.dlq();
      });
      out.flush();
      return 0;
    }
  }

  /** What the command line asks for. */
  record Request(String action, String queue, String id, boolean all) {

    static Request parse(String[] args) {
      if (args.length == 0 || !List.of("list", "replay", "drop").contains(args[0])) {
        throw new IllegalArgumentException(USAGE);
      }
      String queue = null;
      String id = null;
      boolean all = false;
      for (int i = 1; i < args.length; i++) {
        switch (args[i]) {
          case "--queue" -> queue = value(args, ++i, "--queue");
          case "--id" -> id = value(args, ++i, "--id");
          case "--all" -> all = true;
          default -> throw new IllegalArgumentException("Unknown argument '" + args[i] + "'. " + USAGE);
        }
      }
      if (queue == null) {
        throw new IllegalArgumentException("--queue is required. " + USAGE);
      }
      if (!args[0].equals("list") && (id == null) == !all) {
        throw new IllegalArgumentException(args[0] + " needs exactly one of --id <message-id> and --all. " + USAGE);
      }
      String original = queue.endsWith(".dlq") ? queue.substring(0, queue.length() - ".dlq".length()) : queue;
      return new Request(args[0], original, id, all);
    }

    private static String value(String[] args, int i, String name) {
      if (i >= args.length || args[i].startsWith("--")) {
        throw new IllegalArgumentException(name + " needs a value. " + USAGE);
      }
      return args[i];
    }

    String dlq() {
      return Topology.dlq(queue);
    }

    boolean chooses(String messageId) {
      return all || messageId.equals(id);
    }
  }

  /** Goes through the DLQ once; returns how many messages were listed, replayed or dropped. */
  private int apply(Channel channel, Request request) throws Exception {
    channel.queueDeclarePassive(request.dlq());
    // a message the broker cannot route is returned before it is confirmed: it must not be acked in the DLQ then
    AtomicBoolean returned = new AtomicBoolean();
    channel.addReturnListener(r -> returned.set(true));
    Set<String> targets = new HashSet<>();
    List<Long> untouched = new ArrayList<>();
    int count = 0;
    try {
      for (GetResponse message = channel.basicGet(request.dlq(), false); message != null;
           message = channel.basicGet(request.dlq(), false)) {
        long tag = message.getEnvelope().getDeliveryTag();
        String id = id(message);
        if (request.action().equals("list")) {
          out.println(describe(message, id).encode());
          untouched.add(tag);
          count++;
        } else if (!request.chooses(id)) {
          untouched.add(tag);
        } else {
          if (request.action().equals("replay")) {
            String target = originalQueue(message, request.queue());
            if (targets.add(target)) {
              channel.queueDeclarePassive(target); // fails (nothing acked) when the queue is gone
            }
            returned.set(false);
            channel.basicPublish("", target, true, withoutParkingHeaders(message.getProps()), message.getBody());
            channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);
            if (returned.get()) {
              throw new IllegalStateException("RabbitMQ could not route message " + id + " to queue " + target
                + "; it stays in " + request.dlq());
            }
            out.println(describe(message, id).put("replayedTo", target).encode());
          } else {
            out.println(describe(message, id).put("dropped", true).encode());
          }
          channel.basicAck(tag, false);
          count++;
        }
      }
    } finally {
      // the messages left alone go back to the DLQ (closing the connection would do the same)
      if (channel.isOpen()) {
        for (long tag : untouched) {
          channel.basicNack(tag, false, true);
        }
      }
    }
    if (!request.action().equals("list") && !request.all() && count == 0) {
      out.println("no message with id " + request.id() + " in " + request.dlq());
    }
    return count;
  }

  /** The message as a JSON line: id, reason, original queue, body (text, or base64 when it is not UTF-8), properties. */
  private static JsonObject describe(GetResponse message, String id) {
    Map<String, Object> headers = headers(message.getProps());
    JsonObject json = new JsonObject()
      .put("id", id)
      .put("reason", headers.get(Topology.REASON_HEADER) == null ? null : headers.get(Topology.REASON_HEADER).toString())
      .put("originalQueue", headers.get(ORIGINAL_QUEUE) == null ? null : headers.get(ORIGINAL_QUEUE).toString());
    String text = utf8(message.getBody());
    return text != null ? json.put("body", text) : json.put("bodyBase64", Base64.getEncoder().encodeToString(message.getBody()));
  }

  private static String originalQueue(GetResponse message, String fallback) {
    Object queue = headers(message.getProps()).get(ORIGINAL_QUEUE);
    return queue == null ? fallback : queue.toString();
  }

  private static AMQP.BasicProperties withoutParkingHeaders(AMQP.BasicProperties properties) {
    Map<String, Object> headers = new HashMap<>(headers(properties));
    headers.remove(Topology.REASON_HEADER);
    headers.remove(ORIGINAL_QUEUE);
    return properties.builder().headers(headers).deliveryMode(2).build();
  }

  private static Map<String, Object> headers(AMQP.BasicProperties properties) {
    return properties == null || properties.getHeaders() == null ? Map.of() : properties.getHeaders();
  }

  /** The message-id, or a hash of the body for a message parked without one. */
  static String id(GetResponse message) {
    String messageId = message.getProps() == null ? null : message.getProps().getMessageId();
    return messageId != null && !messageId.isBlank() ? messageId : "sha256:" + sha256(message.getBody()).substring(0, 16);
  }

  private static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String utf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
