'use strict';
// What the tests share: the stack under test (from the environment services/run-polyglot-tests.sh sets), HTTP
// helpers, polling with a deadline, a forged token, and a TCP proxy that can cut connections to RabbitMQ.

const net = require('node:net');
const { createHmac, randomBytes, randomUUID } = require('node:crypto');

// The stack runs with AUTH_MODE=jwt: the service's token (users:read messages:write) and the tests' own token for
// creating and reading users and messages (users:read users:write), minted by the script with the jar.
const env = {
  gatewayUrl: required('GATEWAY_URL'),
  bridgeHost: process.env.BRIDGE_HOST || '127.0.0.1',
  bridgePort: Number(required('BRIDGE_PORT')),
  amqpUri: required('AMQP_URI'),
  exchange: required('EVENTS_EXCHANGE'),
  welcomeToken: required('WELCOME_TOKEN'),
  testToken: required('TEST_TOKEN'),
};

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the tests through services/run-polyglot-tests.sh (it starts a stack)`);
  }
  return value;
}

function unique(prefix) {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Polls check() until it returns a truthy value (which is returned), failing after timeoutMs with what(). */
async function eventually(what, check, timeoutMs = 30000, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) {
        return value;
      }
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

async function createUser(name) {
  const email = `${name.toLowerCase()}-${randomUUID()}@example.com`;
  const response = await fetch(new URL('/users', env.gatewayUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${env.testToken}` },
    body: JSON.stringify({ name, email }),
  });
  if (response.status !== 201) {
    throw new Error(`POST /users answered ${response.status}: ${await response.text()}`);
  }
  return response.json();
}

async function messages(channel) {
  const response = await fetch(new URL(`/messages?channel=${encodeURIComponent(channel)}&limit=100`, env.gatewayUrl),
    { headers: { Authorization: `Bearer ${env.testToken}` } });
  if (response.status !== 200) {
    throw new Error(`GET /messages answered ${response.status}`);
  }
  return (await response.json()).items.map((item) => item.message);
}

/** token with its header and claims (subject, scopes, expiry) unchanged, signed with a key the gateway does not know. */
function forged(token) {
  const [header, payload] = token.split('.');
  const signature = createHmac('sha256', randomBytes(32)).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** A TCP proxy to host:port on a free port of 127.0.0.1; cut() drops every connection through it. */
async function tcpProxy(host, port) {
  const sockets = new Set();
  let accepted = 0;
  const server = net.createServer((client) => {
    accepted++;
    const upstream = net.connect({ host, port });
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    accepted: () => accepted,
    cut: () => [...sockets].forEach((socket) => socket.destroy()),
    close: () => new Promise((resolve) => {
      [...sockets].forEach((socket) => socket.destroy());
      server.close(resolve);
    }),
  };
}

/** amqp://user:pass@host:port with host and port replaced. */
function viaProxy(uri, port) {
  const url = new URL(uri);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString().replace(/\/$/, '');
}

module.exports = { env, unique, eventually, createUser, messages, forged, tcpProxy, viaProxy };
