package io.microservicestack.common;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.RabbitMQClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Acknowledges a consumer's deliveries together: one {@code basicAck(tag, multiple=true)} every few milliseconds
 * instead of one per message.
 *
 * <p>Why: each call of the vertx-rabbitmq-client runs as a blocking task on a worker thread, and each ack is a frame
 * the broker handles on its own; a window of acks costs one of each. The guarantees do not change: a delivery is
 * acked only once its consumer called {@link #ack} (after its write, or after its dead letter was confirmed), never
 * before, because a multiple ack only ever covers an unbroken run, from the oldest delivery still outstanding, of
 * deliveries that are all settled. A delivery still being processed, or one being handed back with {@link #nack},
 * holds back the acks of the deliveries after it until it is settled too.
 *
 * <p>Delivery tags only mean something on the channel they came on: the consumer calls {@link #reset} whenever its
 * connection is (re)established, which forgets every delivery of the earlier channel (the broker redelivers what
 * was not acked); a {@link Delivery} from before a reset is ignored. Acks wait while the channel is closed.
 *
 * <p>A consumer that stops cancels its subscription first, then {@link #drain}s: the deliveries still being processed
 * are settled and acked before the channel closes, so a stop (a rolling update) does not hand them back to be done
 * again.
 *
 * <p>Confined to the context it was created on (calls from elsewhere hop onto it).
 */
public final class AckWindow {

  private static final Logger LOG = LoggerFactory.getLogger(AckWindow.class);
  /** The longest an ack waits for its neighbours. */
  public static final long WINDOW_MS = 5;
  /** How long a stopping consumer waits for its deliveries in flight to be settled ({@link #drain}). */
  public static final long STOP_DRAIN_MS = 5_000;

  private final Vertx vertx;
  private final Context context;
  private final Supplier<RabbitMQClient> client;
  private final String queue;
  private final int flushAt;
  /** Outstanding deliveries of the current channel, by tag: true once settled and waiting for its ack. */
  private final TreeMap<Long, Boolean> outstanding = new TreeMap<>();
  private int settled;
  private volatile long generation;
  private long timer = -1;
  /** The last ack sent: acks run in order on the context's blocking queue, so once it is done all earlier ones are. */
  private Future<Void> lastAck = Future.succeededFuture();
  /** Stops waiting until every delivery of the channel is settled and acked. */
  private final List<Promise<Void>> drains = new ArrayList<>();

  /**
   * @param client   the consumer's client (its current channel is the one acks go to)
   * @param queue    for the logs
   * @param prefetch the consumer's prefetch: the window is flushed at once when half of it waits for an ack, so
   *                 the broker never stops delivering for want of an ack that is only waiting for the timer
   */
  public AckWindow(Vertx vertx, Supplier<RabbitMQClient> client, String queue, int prefetch) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.client = client;
    this.queue = queue;
    this.flushAt = Math.max(1, prefetch / 2);
  }

  /** A delivery in the order the broker delivered it; call before processing it. */
  public Delivery delivered(long tag) {
    Delivery delivery = new Delivery(tag, generation);
    onContext(() -> {
      if (delivery.generation == generation) {
        outstanding.put(tag, false);
      }
    });
    return delivery;
  }

  /** The delivery is settled (written, or parked): it is acked within {@value #WINDOW_MS} ms, with its neighbours. */
  public void ack(Delivery delivery) {
    onContext(() -> {
      if (delivery.generation != generation || !Boolean.FALSE.equals(outstanding.get(delivery.tag))) {
        return;
      }
      outstanding.put(delivery.tag, true);
      settled++;
      if (!drains.isEmpty()) {
        flushForDrains();
      } else if (settled >= flushAt) {
        flush();
      } else if (timer == -1) {
        timer = vertx.setTimer(WINDOW_MS, id -> {
          timer = -1;
          flush();
        });
      }
    });
  }

  /**
   * Hands the delivery back to the broker now ({@code basicNack} with requeue). The acks after it wait until the
   * nack is sent, so that a multiple ack can never cover it.
   */
  public Future<Void> nack(Delivery delivery) {
    return Future.future(promise -> onContext(() -> {
      if (delivery.generation != generation || !outstanding.containsKey(delivery.tag)) {
        promise.fail("the delivery belongs to a closed channel; the broker redelivers it");
        return;
      }
      Amqp.safely(() -> client.get().basicNack(delivery.tag, false, true)).onComplete(ar -> {
        if (delivery.generation == generation && outstanding.remove(delivery.tag) != null && (settled > 0 || !drains.isEmpty())) {
          flushForDrains();
        }
        promise.handle(ar);
      });
    }));
  }

  /**
   * Sends the acks that can go now; completes once they, and every ack sent before, are done. For the tests: a
   * stopping consumer {@link #drain}s instead.
   */
  Future<Void> flushNow() {
    return Future.future(promise -> onContext(() -> flush().onComplete(ar -> promise.complete())));
  }

  /**
   * Waits until every delivery of the current channel is settled and its ack sent, flushing each ack at once, for at
   * most {@code timeoutMs}: what is still unsettled then is redelivered by the broker once the channel closes. Call
   * it after the consumer is cancelled, so that no new delivery arrives.
   */
  public Future<Void> drain(long timeoutMs) {
    Promise<Void> drained = Promise.promise();
    onContext(() -> {
      drains.add(drained);
      flushForDrains();
      long timeout = vertx.setTimer(timeoutMs, id -> {
        if (drained.tryComplete()) {
          LOG.warn("Stopping with {} deliveries of {} unsettled after {} ms; the broker redelivers them",
            outstanding.size(), queue, timeoutMs);
        }
      });
      drained.future().onComplete(ar -> vertx.cancelTimer(timeout));
    });
    return drained.future();
  }

  /** The connection was (re)established: forget the earlier channel's deliveries. */
  public void reset() {
    onContext(() -> {
      generation++;
      outstanding.clear();
      settled = 0;
      completeDrains();
    });
  }

  /** Flushes now, and ends the drains once nothing of the channel is outstanding and the ack is sent. */
  private void flushForDrains() {
    RabbitMQClient c = client.get();
    if (c == null || !c.isOpenChannel()) {
      completeDrains(); // nothing can be acked on a closed channel: the broker redelivers what it holds
      return;
    }
    flush().onComplete(ar -> {
      if (outstanding.isEmpty()) {
        completeDrains();
      }
    });
  }

  private void completeDrains() {
    drains.forEach(Promise::tryComplete);
    drains.clear();
  }

  /**
   * Acks the unbroken run of settled deliveries at the head, with one multiple ack. The future completes once that
   * ack, and every ack sent before it, is done (at once when nothing was ever sent).
   */
  private Future<Void> flush() {
    RabbitMQClient c = client.get();
    if (c == null || !c.isOpenChannel()) {
      return Future.succeededFuture();
    }
    long last = -1;
    int count = 0;
    for (Iterator<Map.Entry<Long, Boolean>> it = outstanding.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Boolean> head = it.next();
      if (!head.getValue()) {
        break;
      }
      last = head.getKey();
      count++;
      it.remove();
    }
    if (count == 0) {
      return lastAck;
    }
    settled -= count;
    int acked = count;
    long upTo = last;
    lastAck = Amqp.safely(() -> c.basicAck(upTo, acked > 1))
      .recover(e -> {
        LOG.warn("Acking {} messages of {} failed: {}; they will be redelivered", acked, queue, e.toString());
        return Future.succeededFuture();
      });
    return lastAck;
  }

  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /** One delivery: its tag on the channel it came on. */
  public static final class Delivery {
    private final long tag;
    private final long generation;

    private Delivery(long tag, long generation) {
      this.tag = tag;
      this.generation = generation;
    }

    public long tag() {
      return tag;
    }
  }
}
