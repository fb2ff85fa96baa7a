// The health panel: GET /health every few seconds (200 all up, 503 one down); every entry that is an object is a
// service. Down is red with a cross and the word DOWN, up is green with a tick and UP: never colour alone.

import { api, explain } from './api.js';
import { byId, el } from './dom.js';

const INTERVAL_MS = 3_000;
const LABELS = {
  user: 'user service (HTTP)',
  slack: 'slack service (HTTP)',
  userRpc: 'user service (event-bus RPC)',
};

export function initHealth() {
  const list = byId('health-list');
  const checked = byId('health-checked');
  const failure = byId('health-error');
  const summary = byId('health-summary');
  let timer = null;

  async function check() {
    clearTimeout(timer);
    try {
      const { data } = await api('/health', { accept: [503] });
      render(list, data || {});
      failure.hidden = true;
      const down = services(data || {}).filter(([, entry]) => !isUp(entry)).map(([name]) => name);
      summary.dataset.status = data && data.status === 'UP' && down.length === 0 ? 'up' : 'down';
      summary.textContent = summary.dataset.status === 'up'
        ? '✓ All services up' : `✕ Down: ${down.join(', ') || 'the stack'}`;
    } catch (error) {
      failure.hidden = false;
      failure.textContent = explain(error);
      summary.dataset.status = 'down';
      summary.textContent = error.status === 0 ? '✕ Gateway unreachable' : '✕ Health unknown';
      for (const item of list.children) {
        item.classList.add('stale');
      }
    }
    checked.textContent = `checked ${new Date().toLocaleTimeString()}`;
    timer = setTimeout(check, INTERVAL_MS);
  }

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) {
      check();
    }
  });
  check();
}

function services(health) {
  return Object.entries(health).filter(([name, entry]) => name !== 'status' && entry && typeof entry === 'object');
}

function isUp(entry) {
  return entry.error === undefined && entry.status !== 'DOWN';
}

function render(list, health) {
  list.replaceChildren(...services(health).map(([name, entry]) => {
    const up = isUp(entry);
    const detail = up ? responseText(entry.response) : entry.error;
    return el('li', { class: `service ${up ? 'up' : 'down'}`, 'data-service': name, 'data-status': up ? 'UP' : 'DOWN' },
      el('span', { class: 'badge' }, el('span', { class: 'icon', 'aria-hidden': 'true' }, up ? '✓' : '✕'), up ? 'UP' : 'DOWN'),
      el('span', { class: 'service-name' }, el('strong', {}, name), LABELS[name] ? el('span', { class: 'hint' }, ` ${LABELS[name]}`) : ''),
      el('span', { class: 'service-time' }, entry.time === undefined ? '' : `${entry.time} ms`),
      el('span', { class: 'service-detail' }, detail === undefined || detail === null ? '' : String(detail)));
  }));
}

function responseText(response) {
  return typeof response === 'object' && response !== null ? JSON.stringify(response) : response;
}
