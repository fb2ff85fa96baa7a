package io.microservicestack.common;

import io.microservicestack.common.AckWindow.Delivery;
import io.microservicestack.common.testing.TestInfrastructure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQOptions;
import com.rabbitmq.client.AMQP;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.microservicestack.common.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the broker keeps when a consumer acks through an {@link AckWindow}: closing the consumer's connection hands
 * every unacked message back to the queue, so the queue's count afterwards shows exactly which ones were acked.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Acks in windows")
class AckWindowTest {

  private static final int MESSAGES = 10;

  private Vertx vertx;
  private String queue;
  private RabbitMQClient admin;
  private RabbitMQClient consumer;
  private AckWindow acks;
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    queue = TestInfrastructure.unique("ackwindow");
    admin = client();
    result(admin.start());
    result(admin.queueDeclare(queue, true, false, false));
    AMQP.BasicProperties persistent = new AMQP.BasicProperties.Builder().deliveryMode(2).build();
    for (int i = 1; i <= MESSAGES; i++) {
      result(admin.basicPublish("", queue, persistent, Buffer.buffer("m" + i)));
    }
    consumer = client();
    acks = new AckWindow(vertx, () -> consumer, queue, 2 * MESSAGES);
    result(consumer.start().compose(v -> consumer.basicQos(2 * MESSAGES))
      .compose(v -> consumer.basicConsumer(queue, new QueueOptions().setAutoAck(false)))
      .onSuccess(c -> c.handler(message -> deliveries.add(acks.delivered(message.envelope().getDeliveryTag())))));
    await("every message delivered").atMost(Duration.ofSeconds(10)).until(() -> deliveries.size() == MESSAGES);
  }

  @AfterEach
  void tearDown() {
    result(admin.queueDelete(queue).eventually(admin::stop));
  }

  private RabbitMQClient client() {
    return RabbitMQClient.create(vertx, new RabbitMQOptions().setUri(TestInfrastructure.amqpUri()));
  }

  /** Closes the consumer's connection (its unacked messages go back) and asserts that the queue holds {@code expected}. */
  private void assertLeftInQueueAfterClose(long expected) {
    result(consumer.stop());
    assertThat(TestInfrastructure.takeAll(admin, queue)).as("messages back in the queue").isEqualTo(expected);
  }

  @Test
  @DisplayName("A delivery still being processed holds back the acks of those after it: none is acked before it is settled")
  void unsettledDeliveryHoldsBackTheWindow() {
    deliveries.subList(1, MESSAGES).forEach(acks::ack);
    result(acks.flushNow());

    assertLeftInQueueAfterClose(MESSAGES);
  }

  @Test
  @DisplayName("Once the oldest delivery is settled, one multiple ack covers them all")
  void settlingTheOldestReleasesTheWindow() {
    deliveries.subList(1, MESSAGES).forEach(acks::ack);
    acks.ack(deliveries.get(0));
    result(acks.flushNow());

    assertLeftInQueueAfterClose(0);
  }

  @Test
  @DisplayName("A delivery handed back with a nack is requeued, and the settled ones after it are acked without it")
  void nackedDeliveryIsRequeuedAndTheRestAcked() {
    deliveries.subList(1, 5).forEach(acks::ack);
    result(acks.nack(deliveries.get(0)));
    result(acks.flushNow());

    // the nacked message is back in the queue (delivered again, unacked), and the five never settled too
    assertLeftInQueueAfterClose(1 + MESSAGES - 5);
  }

  @Test
  @DisplayName("After a reconnect, a delivery of the earlier channel is never acked on the new one")
  void deliveriesOfAnEarlierChannelAreIgnored() {
    acks.reset();
    deliveries.forEach(acks::ack);
    result(acks.flushNow());

    assertLeftInQueueAfterClose(MESSAGES);
  }

  @Test
  @DisplayName("A drain waits for the deliveries in flight: settled while it waits, they are acked before the channel closes")
  void drainWaitsForDeliveriesInFlight() {
    deliveries.subList(0, MESSAGES - 1).forEach(acks::ack);
    Future<Void> drained = acks.drain(60_000);
    assertThat(drained.isComplete()).as("drained with one delivery still in flight").isFalse();
    // the last one is settled a little later, as a write in flight would be
    vertx.setTimer(200, id -> acks.ack(deliveries.get(MESSAGES - 1)));
    result(drained);

    assertLeftInQueueAfterClose(0);
  }

  @Test
  @DisplayName("A drain ends after its timeout when a delivery is never settled; that one goes back to the queue")
  void drainGivesUpAfterItsTimeout() {
    deliveries.subList(1, MESSAGES).forEach(acks::ack);
    result(acks.drain(200));

    assertLeftInQueueAfterClose(MESSAGES);
  }
}
