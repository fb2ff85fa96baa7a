'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const amqp = require('amqplib');
const { WelcomeService, configFromEnv, dlq } = require('../src/welcome');
const { env, unique, eventually, createUser, messages, tcpProxy, viaProxy } = require('./support');

/**
 * A welcome service of this test's own (queue, channel, store file), reaching RabbitMQ through a TCP proxy, configured
 * as it is in compose: from environment variables, with the token in SERVICE_TOKEN (settings override any of them).
 */
async function startService(t, settings = {}) {
  const amqpUrl = new URL(env.amqpUri);
  const proxy = await tcpProxy(amqpUrl.hostname, Number(amqpUrl.port || 5672));
  const queue = unique('welcome-node-test');
  const config = configFromEnv({
    AMQP_URI: viaProxy(env.amqpUri, proxy.port),
    EVENTS_EXCHANGE: env.exchange,
    QUEUE: queue,
    PREFETCH: '8',
    GATEWAY_URL: env.gatewayUrl,
    BRIDGE_HOST: env.bridgeHost,
    BRIDGE_PORT: String(env.bridgePort),
    SERVICE_TOKEN: env.welcomeToken,
    CHANNEL: `#${unique('welcome')}`,
    STORE_FILE: path.join(os.tmpdir(), `${queue}.json`),
    MAX_ATTEMPTS: '5',
    RETRY_DELAY_MS: '200',
    RECONNECT_MS: '200',
    LOG_QUIET: 'true',
    ...settings,
  });
  const service = new WelcomeService(config);
  await service.start();
  const admin = await amqp.connect(env.amqpUri);
  const channel = await admin.createChannel();
  t.after(async () => {
    await service.stop();
    await proxy.close();
    await channel.deleteQueue(queue).catch(() => {});
    await channel.deleteQueue(dlq(queue)).catch(() => {});
    await admin.close();
  });
  return { service, proxy, config, channel };
}

/** Waits until nothing is left to deliver to the service: its queue is empty and it holds no delivery. */
async function drained({ service, channel, config }) {
  await eventually('the queue drained', async () =>
    service.connection && service.inFlight === 0 && (await channel.checkQueue(config.queue)).messageCount === 0);
}

test('a user created through the gateway gets exactly one welcome, with its name (its token on the bridge and on the post)', async (t) => {
  const running = await startService(t);
  const user = await createUser('Ada');

  await eventually('the welcome', async () => (await messages(running.config.channel)).includes(`Welcome ${user.name}!`));
  await drained(running);

  assert.deepEqual(await messages(running.config.channel), [`Welcome ${user.name}!`]);
});

test('users created in a burst get exactly one welcome each, also when the connection to RabbitMQ is cut mid-burst', async (t) => {
  const running = await startService(t);
  const names = Array.from({ length: 30 }, (_, i) => `Burst${i}`);

  const first = await Promise.all(names.slice(0, 15).map((name) => createUser(name)));
  await eventually('a few welcomes before the cut', () => running.service.welcomed >= 3);
  running.proxy.cut();
  const second = await Promise.all(names.slice(15).map((name) => createUser(name)));
  await eventually('every welcome', async () => (await messages(running.config.channel)).length >= names.length, 60000);
  await drained(running);

  const welcomes = await messages(running.config.channel);
  assert.equal(first.length + second.length, names.length);
  assert.ok(running.proxy.accepted() >= 2, 'the service connected again after the cut');
  assert.deepEqual([...welcomes].sort(), names.map((name) => `Welcome ${name}!`).sort());
});

test('an event delivered twice (the same event id) is welcomed once', async (t) => {
  const running = await startService(t);
  const user = await createUser('Twice');
  const copy = { id: crypto.randomUUID(), type: 'user.created', occurredAt: new Date().toISOString(), user };

  for (let i = 0; i < 2; i++) {
    running.channel.sendToQueue(running.config.queue, Buffer.from(JSON.stringify(copy)), { messageId: copy.id, persistent: true });
  }
  // two event ids in all: the stack's own event for the user, and the copy sent twice
  await eventually('two welcomes', async () => (await messages(running.config.channel)).length >= 2);
  await drained(running);

  assert.deepEqual(await messages(running.config.channel), [`Welcome ${user.name}!`, `Welcome ${user.name}!`]);
});

test('a poison message is parked in the service DLQ with the reason and the original queue', async (t) => {
  const running = await startService(t);
  const marker = unique('poison');

  running.channel.sendToQueue(running.config.queue, Buffer.from(marker), { messageId: marker, persistent: true });
  const parked = await eventually('the parked message', () => running.channel.get(dlq(running.config.queue), { noAck: true }));

  assert.equal(parked.content.toString(), marker);
  assert.equal(parked.properties.messageId, marker);
  assert.match(String(parked.properties.headers['x-reason']), /not JSON/);
  assert.equal(String(parked.properties.headers['x-original-queue']), running.config.queue);
  assert.deepEqual(await messages(running.config.channel), []);
});

/** Creates a user and returns the service's parked event for it, once it is parked. */
async function parkedEventOfANewUser(running) {
  const user = await createUser('Parked');
  const parked = await eventually('the parked event', () => running.channel.get(dlq(running.config.queue), { noAck: true }));
  assert.equal(JSON.parse(parked.content.toString()).user.id, user.id);
  return parked;
}

test('without SERVICE_TOKEN the bridge refuses the service: no welcome, the event is parked with the refusal', async (t) => {
  const running = await startService(t, { SERVICE_TOKEN: '', MAX_ATTEMPTS: '2', RETRY_DELAY_MS: '50' });

  const parked = await parkedEventOfANewUser(running);

  assert.match(String(parked.properties.headers['x-reason']), /failed 2 times: blocked by bridgeEvent handler/);
  assert.deepEqual(await messages(running.config.channel), []);
});

test('with a token without messages:write the gateway refuses the post (403): no welcome, the event is parked', async (t) => {
  const running = await startService(t, { SERVICE_TOKEN: env.testToken }); // users:read users:write

  const parked = await parkedEventOfANewUser(running);

  assert.match(String(parked.properties.headers['x-reason']), /unprocessable: POST \/messages answered 403/);
  assert.deepEqual(await messages(running.config.channel), []);
});
