// The messages panel: a channel's messages, newest first, page by page (GET /messages?channel=&limit=&offset=).
// The first page refreshes itself every few seconds, so "User <email> created" shows up after a sign-up.

import { api, explain, when } from './api.js';
import { byId, el, setStatus } from './dom.js';

const PAGE_SIZE = 10;
const REFRESH_MS = 5_000;

export function initMessages() {
  const form = byId('messages-form');
  const input = byId('messages-channel');
  const list = byId('messages-list');
  const prev = byId('messages-prev');
  const next = byId('messages-next');
  const pageNo = byId('messages-page');
  const status = byId('messages-status');
  let channel = input.value.trim();
  let offset = 0;
  let loading = 0;

  async function load(newOffset) {
    const ticket = ++loading;
    try {
      const query = new URLSearchParams({ channel, limit: String(PAGE_SIZE), offset: String(newOffset) });
      const { data } = await api(`/messages?${query}`);
      if (ticket !== loading) {
        return;
      }
      offset = newOffset;
      list.replaceChildren(...data.items.map(message => el('li', { 'data-id': message.id || '' },
        el('span', { class: 'message-text' }, message.message),
        el('span', { class: 'hint small' }, when(message.createdAt)))));
      pageNo.textContent = `Page ${Math.floor(offset / PAGE_SIZE) + 1}`;
      prev.disabled = offset === 0;
      next.disabled = data.items.length < PAGE_SIZE;
      setStatus(status, '', data.items.length ? '' : (offset === 0 ? `No messages in ${channel} yet.` : 'No older messages.'));
    } catch (error) {
      if (ticket === loading) {
        setStatus(status, 'error', explain(error));
      }
    }
  }

  form.addEventListener('submit', event => {
    event.preventDefault();
    const wanted = input.value.trim();
    if (!wanted) {
      setStatus(status, 'error', 'Type a channel name, e.g. #user.');
      input.focus();
      return;
    }
    channel = wanted;
    load(0);
  });
  next.addEventListener('click', () => load(offset + PAGE_SIZE));
  prev.addEventListener('click', () => load(Math.max(0, offset - PAGE_SIZE)));
  byId('messages-refresh').addEventListener('click', () => load(offset));
  setInterval(() => {
    if (offset === 0 && !document.hidden) {
      load(0);
    }
  }, REFRESH_MS);
  load(0);
}
