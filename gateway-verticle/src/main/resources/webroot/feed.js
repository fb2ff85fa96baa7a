// The live feed over the websocket /ws/users.
//
// Protocol: every frame is {"id","name","email","createdAt","position"}, in position order; `position` is opaque.
// The first connection asks for the latest users (?last=n); every reconnect resumes after the last position
// received (?resume=<position>), so nothing is missed or shown twice. Any close (network gone, 1001 gateway
// shutting down, 1008 too slow, 1011 history unavailable) reconnects with exponential backoff and jitter.
// Ids already shown are skipped as well, as a second guard.

const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;
/** A connection that stayed open this long was healthy: the next reconnect starts again from the shortest delay. */
const STABLE_MS = 5_000;
const REMEMBERED_IDS = 5_000;

/** The delay before reconnect attempt `attempt` (0-based): doubling from 0.5 s up to 10 s, half of it random. */
export function backoffDelay(attempt, random = Math.random) {
  const ceiling = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** The position a 1008 "too slow: resume with ?resume=<position>" close names, or null. */
export function resumeFromReason(reason) {
  const match = /[?&]resume=([^\s&]+)/.exec(reason || '');
  return match ? decodeURIComponent(match[1]) : null;
}

/**
 * One live feed. Calls onUser(user) for each user not shown before, in arrival order, and onState(state) with
 * {name: 'connecting' | 'live' | 'reconnecting', retryAt?, code?, reason?}.
 */
export class LiveFeed {
  constructor({ last = 50, token = () => '', onUser, onState }) {
    this.last = last;
    this.token = token;
    this.onUser = onUser;
    this.onState = onState;
    this.position = null;
    this.seen = new Set();
    this.attempt = 0;
    this.socket = null;
    this.timer = null;
    this.stopped = true;
  }

  /** Opens the first connection. */
  start() {
    this.stopped = false;
    this.connect();
  }

  /** Closes the connection for good. */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.socket) {
      this.socket.close(1000, 'page closed the feed');
      this.socket = null;
    }
  }

  /** Reconnects now (e.g. with a new token), resuming where the feed is. */
  restart() {
    this.stop();
    this.attempt = 0;
    this.start();
  }

  url() {
    const params = new URLSearchParams();
    if (this.position !== null) {
      params.set('resume', this.position);
    } else {
      params.set('last', String(this.last));
    }
    const bearer = this.token();
    if (bearer) {
      params.set('access_token', bearer);
    }
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}/ws/users?${params}`;
  }

  connect() {
    if (this.stopped) {
      return;
    }
    this.onState({ name: 'connecting' });
    const socket = new WebSocket(this.url());
    this.socket = socket;
    let openedAt = 0;
    socket.addEventListener('open', () => {
      openedAt = Date.now();
      this.onState({ name: 'live' });
    });
    socket.addEventListener('message', event => this.receive(event.data));
    socket.addEventListener('close', event => {
      if (this.socket !== socket || this.stopped) {
        return;
      }
      this.socket = null;
      if (openedAt && Date.now() - openedAt >= STABLE_MS) {
        this.attempt = 0;
      }
      if (this.position === null) {
        this.position = resumeFromReason(event.reason);
      }
      this.scheduleReconnect(event.code, event.reason);
    });
  }

  receive(data) {
    let user;
    try {
      user = JSON.parse(data);
    } catch {
      return;
    }
    if (!user || typeof user !== 'object' || user.id === undefined) {
      return;
    }
    if (typeof user.position === 'string' && user.position) {
      this.position = user.position;
    }
    if (this.seen.has(user.id)) {
      return;
    }
    this.seen.add(user.id);
    if (this.seen.size > REMEMBERED_IDS) {
      this.seen.delete(this.seen.values().next().value);
    }
    this.onUser(user);
  }

  scheduleReconnect(code, reason) {
    const delay = backoffDelay(this.attempt++);
    this.onState({ name: 'reconnecting', retryAt: Date.now() + delay, code, reason });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
