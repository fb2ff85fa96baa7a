'use strict';
// A client of the Vert.x TCP event-bus bridge (the gateway's BRIDGE_PORT). The protocol, both ways: a 4-byte
// big-endian length, then that many bytes of UTF-8 JSON. Requests are {"type":"send","address","replyAddress",
// "body"}; the reply is {"type":"message","address":<replyAddress>,"body"} or {"type":"err","address":<replyAddress>,
// "failureCode","message"}. {"type":"register","address"} subscribes: every message then arrives as
// {"type":"message","address",...}. A refused address is {"type":"err","message":"access_denied"} without address.
// With AUTH_MODE=jwt at the gateway, every send and register frame carries {"headers":{"authorization":"Bearer <token>"}}
// (a token with users:read); a frame without a valid one is refused with {"type":"err","message":"blocked by
// bridgeEvent handler"}, also without address.
// No maintained npm package speaks this protocol (the official client is for the SockJS bridge), hence this module.

const net = require('node:net');
const { EventEmitter } = require('node:events');
const { randomUUID } = require('node:crypto');

/** A failure the bridge answered: failureCode is the HTTP status the service meant (404, 400), or absent. */
class BridgeError extends Error {
  constructor(frame) {
    super(frame.message || 'bridge error');
    this.name = 'BridgeError';
    this.failureCode = frame.failureCode;
    this.failureType = frame.failureType;
  }
}

/** Encodes one frame. */
function encode(frame) {
  const json = Buffer.from(JSON.stringify(frame), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length, 0);
  return Buffer.concat([length, json]);
}

/** Splits a byte stream into frames; call push(chunk) for every chunk, onFrame gets each decoded object. */
function decoder(onFrame) {
  let pending = Buffer.alloc(0);
  return function push(chunk) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const length = pending.readUInt32BE(0);
      if (pending.length < 4 + length) {
        break;
      }
      const json = pending.subarray(4, 4 + length).toString('utf8');
      pending = pending.subarray(4 + length);
      onFrame(JSON.parse(json));
    }
  };
}

/**
 * One connection to the bridge. Emits 'message' (address, body, frame) for registered addresses, 'error' for an
 * err frame that answers no request, 'close' when the socket ends; every pending request fails on close.
 */
class Bridge extends EventEmitter {
  constructor(socket, token = null) {
    super();
    this.socket = socket;
    this.headers = token ? { authorization: `Bearer ${token}` } : null;
    this.pending = new Map();
    socket.on('data', decoder((frame) => this.dispatch(frame)));
    socket.on('close', () => {
      for (const { reject, timer } of this.pending.values()) {
        clearTimeout(timer);
        reject(new Error('the bridge connection closed'));
      }
      this.pending.clear();
      this.emit('close');
    });
    socket.on('error', () => {}); // 'close' follows and fails what is pending
  }

  /** Connects to host:port; resolves once the socket is open. With a token, every send and register frame carries it. */
  static connect({ host = '127.0.0.1', port, token = null, timeoutMs = 5000 }) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => socket.destroy(new Error(`no bridge connection to ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeListener('error', reject);
        resolve(new Bridge(socket, token));
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  dispatch(frame) {
    const waiting = frame.address !== undefined && this.pending.get(frame.address);
    if (waiting) {
      this.pending.delete(frame.address);
      clearTimeout(waiting.timer);
      if (frame.type === 'err') {
        waiting.reject(new BridgeError(frame));
      } else {
        waiting.resolve(frame.body);
      }
    } else if (frame.type === 'message') {
      this.emit('message', frame.address, frame.body, frame);
    } else if (frame.type === 'err') {
      // A refusal names no address: it answers the oldest request still waiting, if any (frames are handled in order).
      const oldest = this.pending.keys().next();
      if (!oldest.done && frame.address === undefined) {
        const { reject, timer } = this.pending.get(oldest.value);
        this.pending.delete(oldest.value);
        clearTimeout(timer);
        reject(new BridgeError(frame));
      } else {
        this.emit('error', new BridgeError(frame));
      }
    } else if (frame.type === 'pong') {
      this.emit('pong');
    }
  }

  /** Sends a request and resolves with the reply's body; rejects with a BridgeError, or after timeoutMs. */
  request(address, body, { timeoutMs = 5000 } = {}) {
    const replyAddress = `reply-${randomUUID()}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(replyAddress);
        reject(new Error(`no reply from ${address} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(replyAddress, { resolve, reject, timer });
      this.socket.write(encode(this.withToken({ type: 'send', address, replyAddress, body })));
    });
  }

  /** Subscribes to address: each message arrives as a 'message' event (a refusal as an 'error' event). */
  register(address) {
    this.socket.write(encode(this.withToken({ type: 'register', address })));
  }

  withToken(frame) {
    return this.headers ? { ...frame, headers: { ...this.headers } } : frame;
  }

  /** Resolves with the next pong: after it, every frame written before it has been handled. */
  ping(timeoutMs = 5000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no pong within ${timeoutMs} ms`)), timeoutMs);
      this.once('pong', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.write(encode({ type: 'ping' }));
    });
  }

  close() {
    this.socket.end();
    this.socket.destroy();
  }
}

module.exports = { Bridge, BridgeError, encode, decoder };
