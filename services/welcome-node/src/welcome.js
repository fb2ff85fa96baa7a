'use strict';
// The welcome service: for every user.created event, "Welcome <name>!" in #welcome, exactly once.
//
// It reads its own durable queue bound to the events exchange (manual acks, a prefetch), skips an event id it has
// finished, reads the user through the gateway's TCP event-bus bridge (users.get), and posts the welcome through the
// gateway's POST /messages with Idempotency-Key = the event id. An event it cannot process (not JSON, not a
// user.created event, an unknown user) is parked in its DLQ with the reason (x-reason, x-original-queue), like the
// Java consumers; a failure that may pass (the gateway or the bridge away) is retried after a pause, and parked after
// maxAttempts. The connection to RabbitMQ comes back by itself: unacked events are redelivered, and processed once.

const amqp = require('amqplib');
const { Bridge } = require('./bridge');
const { ProcessedEvents } = require('./processed');

/** The settings, from environment variables (see the README of this service). */
function configFromEnv(env = process.env) {
  return {
    amqpUri: env.AMQP_URI || 'amqp://guest:guest@127.0.0.1:5672',
    exchange: env.EVENTS_EXCHANGE || 'stack.events',
    queue: env.QUEUE || 'welcome-node.user-created',
    prefetch: Number(env.PREFETCH || 16),
    gatewayUrl: env.GATEWAY_URL || 'http://127.0.0.1:8100',
    bridgeHost: env.BRIDGE_HOST || '127.0.0.1',
    bridgePort: Number(env.BRIDGE_PORT || 7000),
    channel: env.CHANNEL || '#welcome',
    // With AUTH_MODE=jwt at the gateway: a service token with messages:write and users:read (stack.jar token ...).
    token: env.SERVICE_TOKEN || null,
    storeFile: env.STORE_FILE || null,
    maxAttempts: Number(env.MAX_ATTEMPTS || 5),
    retryDelayMs: Number(env.RETRY_DELAY_MS || 500),
    reconnectMs: Number(env.RECONNECT_MS || 1000),
    log: env.LOG_QUIET ? () => {} : (...args) => console.log(new Date().toISOString(), ...args),
  };
}

/** A failure that will not pass by retrying: the event is parked. */
class Unprocessable extends Error {}

class WelcomeService {
  constructor(config) {
    this.config = config;
    this.processed = new ProcessedEvents(config.storeFile);
    this.attempts = new Map();
    this.inFlight = 0;
    this.welcomed = 0;
    this.stopped = false;
    this.connection = null;
    this.bridge = null;
  }

  /** Connects (retrying until it can) and starts consuming; resolves once the first consumer is in place. */
  async start() {
    await this.connect();
  }

  async connect() {
    while (!this.stopped) {
      try {
        await this.consume();
        return;
      } catch (e) {
        this.config.log(`welcome-node: RabbitMQ not reachable (${e.message}); retrying in ${this.config.reconnectMs} ms`);
        await delay(this.config.reconnectMs);
      }
    }
  }

  async consume() {
    const { config } = this;
    const connection = await amqp.connect(config.amqpUri, { clientProperties: { connection_name: `welcome-node ${config.queue}` } });
    connection.on('error', () => {}); // 'close' follows
    connection.on('close', () => {
      if (this.connection !== connection) {
        return; // closed during setup: consume() failed and connect() retries
      }
      this.connection = null;
      if (!this.stopped) {
        config.log('welcome-node: lost the RabbitMQ connection; reconnecting');
        delay(config.reconnectMs).then(() => this.connect());
      }
    });
    try {
      const channel = await connection.createConfirmChannel();
      channel.on('error', () => {});
      await channel.assertExchange(config.exchange, 'topic', { durable: true });
      await channel.assertQueue(config.queue, { durable: true });
      await channel.assertQueue(dlq(config.queue), { durable: true });
      await channel.bindQueue(config.queue, config.exchange, 'user.created');
      await channel.prefetch(config.prefetch);
      await channel.consume(config.queue, (message) => message && this.handle(channel, message), { noAck: false });
      if (this.stopped) {
        await connection.close().catch(() => {});
        return;
      }
      this.connection = connection;
      config.log(`welcome-node: consuming ${config.queue} (bound to ${config.exchange} user.created)`);
    } catch (e) {
      await connection.close().catch(() => {});
      throw e;
    }
  }

  /** Settles one delivery: done (or done before) and acked, parked, or handed back after a pause. */
  async handle(channel, message) {
    if (this.stopped) {
      return; // not acked: the broker hands it to the next consumer once this connection closes
    }
    this.inFlight++;
    try {
      let event;
      try {
        event = parse(message.content);
      } catch (e) {
        await this.park(channel, message, `unprocessable: ${e.message}`);
        return;
      }
      try {
        if (!this.processed.has(event.id)) {
          await this.welcome(event);
          await this.processed.add(event.id);
        }
        this.attempts.delete(event.id);
        channel.ack(message);
      } catch (e) {
        await this.retryOrPark(channel, message, event, e);
      }
    } catch (e) {
      // the channel closed under us: the broker redelivers what was not acked
      this.config.log(`welcome-node: could not settle a delivery: ${e.message}`);
    } finally {
      this.inFlight--;
    }
  }

  async welcome(event) {
    const user = await this.fetchUser(event.user.id);
    const response = await fetch(new URL('/messages', this.config.gatewayUrl), {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Idempotency-Key': event.id,
        ...(this.config.token ? { Authorization: `Bearer ${this.config.token}` } : {}),
      },
      body: JSON.stringify({ channel: this.config.channel, message: `Welcome ${user.name}!` }),
      signal: AbortSignal.timeout(5000),
    });
    if (response.status === 201) {
      this.welcomed++;
      return;
    }
    const text = await response.text();
    if (response.status >= 400 && response.status < 500 && response.status !== 429) {
      throw new Unprocessable(`POST /messages answered ${response.status}: ${text}`);
    }
    throw new Error(`POST /messages answered ${response.status}: ${text}`);
  }

  /** users.get over the bridge, on one connection kept open and opened again when it dropped. */
  async fetchUser(id) {
    if (this.stopped) {
      throw new Error('the service is stopping');
    }
    const bridge = await this.bridgeConnection();
    try {
      return await bridge.request('users.get', { id });
    } catch (e) {
      if (e.failureCode === 404 || e.failureCode === 400) {
        throw new Unprocessable(`users.get ${id} failed with ${e.failureCode}: ${e.message}`);
      }
      throw e;
    }
  }

  /** The one bridge connection, shared by every delivery in flight (opened once even when many ask at once). */
  bridgeConnection() {
    if (!this.bridge) {
      const connecting = Bridge.connect({ host: this.config.bridgeHost, port: this.config.bridgePort, token: this.config.token }).then((bridge) => {
        bridge.on('error', () => {});
        bridge.on('close', () => {
          if (this.bridge === connecting) {
            this.bridge = null;
          }
        });
        if (this.stopped) {
          bridge.close();
        }
        return bridge;
      }, (e) => {
        if (this.bridge === connecting) {
          this.bridge = null;
        }
        throw e;
      });
      this.bridge = connecting;
    }
    return this.bridge;
  }

  async retryOrPark(channel, message, event, failure) {
    const attempts = (this.attempts.get(event.id) || 0) + 1;
    if (failure instanceof Unprocessable || attempts >= this.config.maxAttempts) {
      this.attempts.delete(event.id);
      await this.park(channel, message, failure instanceof Unprocessable
        ? `unprocessable: ${failure.message}` : `failed ${attempts} times: ${failure.message}`);
      return;
    }
    this.attempts.set(event.id, attempts);
    this.config.log(`welcome-node: event ${event.id} failed (${failure.message}); handing it back in ${this.config.retryDelayMs} ms`);
    await delay(this.config.retryDelayMs);
    channel.nack(message, false, true);
  }

  /** Republishes the message to the DLQ with the reason, waits for the broker's confirm, then acks the original. */
  async park(channel, message, reason) {
    const queue = this.config.queue;
    this.config.log(`welcome-node: parking a message of ${queue} in ${dlq(queue)}: ${reason}`);
    const properties = { ...message.properties };
    properties.headers = { ...(message.properties.headers || {}), 'x-reason': reason.slice(0, 500), 'x-original-queue': queue };
    properties.persistent = true;
    delete properties.deliveryMode;
    channel.sendToQueue(dlq(queue), message.content, properties);
    await channel.waitForConfirms();
    channel.ack(message);
  }

  async stop() {
    this.stopped = true;
    if (this.bridge) {
      const connecting = this.bridge;
      this.bridge = null;
      await connecting.then((bridge) => bridge.close(), () => {});
    }
    if (this.connection) {
      await this.connection.close().catch(() => {});
    }
  }
}

function dlq(queue) {
  return `${queue}.dlq`;
}

/** The event, or an Error that says why it is not one (contracts/schemas/user-created-event.json). */
function parse(content) {
  let event;
  try {
    event = JSON.parse(content.toString('utf8'));
  } catch (e) {
    throw new Error('the event is not JSON');
  }
  if (!event || typeof event !== 'object' || typeof event.id !== 'string') {
    throw new Error('the event has no string id');
  }
  if (event.type !== 'user.created') {
    throw new Error('the event type is not user.created');
  }
  if (!event.user || !Number.isInteger(event.user.id)) {
    throw new Error('the event has no user with an integer id');
  }
  return event;
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

module.exports = { WelcomeService, configFromEnv, parse, dlq };
