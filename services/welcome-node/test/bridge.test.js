'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { once } = require('node:events');
const { Bridge, encode, decoder } = require('../src/bridge');
const { env, createUser, eventually, forged } = require('./support');

/** A bridge connection that sends the service's token on every frame (the stack runs with AUTH_MODE=jwt). */
function connect(token = env.welcomeToken) {
  return Bridge.connect({ host: env.bridgeHost, port: env.bridgePort, token });
}

test('frames are a 4-byte big-endian length and UTF-8 JSON, and decode across chunk boundaries', () => {
  const frames = [];
  const push = decoder((frame) => frames.push(frame));
  const bytes = Buffer.concat([encode({ type: 'ping' }), encode({ type: 'send', body: { name: 'Zoë' } })]);

  assert.equal(bytes.readUInt32BE(0), Buffer.byteLength('{"type":"ping"}'));
  for (let i = 0; i < bytes.length; i += 3) {
    push(bytes.subarray(i, i + 3));
  }
  assert.deepEqual(frames, [{ type: 'ping' }, { type: 'send', body: { name: 'Zoë' } }]);
});

test('users.get through the bridge answers the user created through the gateway; an unknown id fails with 404', async () => {
  const created = await createUser('Bridge');
  const bridge = await connect();
  try {
    const user = await bridge.request('users.get', { id: created.id });
    const missing = await bridge.request('users.get', { id: 2 ** 40 }).catch((e) => e);

    assert.deepEqual(user, created);
    assert.equal(missing.failureCode, 404);
  } finally {
    bridge.close();
  }
});

test('an address off the allow-list is refused with access_denied', async () => {
  const bridge = await connect();
  try {
    const refused = await bridge.request('slack.messages', { channel: '#user' }).catch((e) => e);

    assert.equal(refused.message, 'access_denied');
  } finally {
    bridge.close();
  }
});

test('a client registered for users.created gets the users created afterwards, each with a position', async () => {
  const bridge = await connect();
  const received = [];
  bridge.on('message', (address, body) => received.push({ address, body }));
  try {
    bridge.register('users.created');
    await bridge.ping();
    const created = await createUser('Announced');

    const frame = await eventually('the announcement', () => received.find((m) => m.body.id === created.id));
    assert.equal(frame.address, 'users.created');
    assert.equal(frame.body.email, created.email);
    assert.equal(typeof frame.body.position, 'string');
  } finally {
    bridge.close();
  }
});

test('a frame without a token or with a forged one is refused with an error frame; with the service token it is answered', async () => {
  const created = await createUser('Token');
  const refusals = [];
  for (const token of [null, forged(env.welcomeToken)]) {
    const bridge = await connect(token);
    try {
      const refused = await bridge.request('users.get', { id: created.id }).catch((e) => e);
      const registerRefused = once(bridge, 'error');
      bridge.register('users.created');
      refusals.push(refused.name, refused.message, (await registerRefused)[0].message);
    } finally {
      bridge.close();
    }
  }
  const bridge = await connect(env.welcomeToken);
  try {
    assert.deepEqual(await bridge.request('users.get', { id: created.id }), created);
  } finally {
    bridge.close();
  }

  const blocked = ['BridgeError', 'blocked by bridgeEvent handler', 'blocked by bridgeEvent handler'];
  assert.deepEqual(refusals, [...blocked, ...blocked]);
});
