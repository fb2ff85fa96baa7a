// The users table (GET /users?after=<id>&limit=<n>, keyset paging with a stack of cursors for "previous") and
// the page of one user (GET /users/{id}, route #/users/<id>). The last page reloads itself when the feed brings
// a new user, since that is where the new user lands.

import { api, ApiError, explain, when } from './api.js';
import { byId, el, setStatus } from './dom.js';

const PAGE_SIZE = 10;
const RELOAD_DELAY_MS = 300;

export function initUsers() {
  const rows = byId('users-rows');
  const prev = byId('users-prev');
  const next = byId('users-next');
  const pageNo = byId('users-page');
  const status = byId('users-status');
  const start = byId('users-after');
  // cursors: the `after` of every earlier page; current: this page's `after`; following: the next page's, or null.
  let cursors = [];
  let current = 0;
  let following = null;
  let loaded = false;
  let reload = null;

  async function load(after) {
    prev.disabled = true;
    next.disabled = true;
    setStatus(status, '', 'Loading…');
    try {
      const { data } = await api(`/users?after=${encodeURIComponent(after)}&limit=${PAGE_SIZE}`);
      current = after;
      following = data.next ?? null;
      loaded = true;
      rows.replaceChildren(...data.items.map(userRow));
      pageNo.textContent = `Page ${cursors.length + 1}`;
      setStatus(status, '', data.items.length
        ? `Users ${data.items[0].id}–${data.items[data.items.length - 1].id}${following === null ? ' (last page)' : ''}.`
        : 'No users on this page.');
    } catch (error) {
      setStatus(status, 'error', explain(error));
    }
    prev.disabled = cursors.length === 0;
    next.disabled = following === null;
  }

  next.addEventListener('click', () => {
    if (following !== null) {
      cursors.push(current);
      load(following);
    }
  });
  prev.addEventListener('click', () => {
    if (cursors.length) {
      load(cursors.pop());
    }
  });
  byId('users-refresh').addEventListener('click', () => load(current));
  byId('users-from').addEventListener('submit', event => {
    event.preventDefault();
    const after = Number.parseInt(start.value, 10);
    if (!Number.isInteger(after) || after < 0) {
      setStatus(status, 'error', 'Start after id must be a whole number, 0 or more.');
      start.focus();
      return;
    }
    cursors = [];
    load(after);
  });
  load(0);
  return {
    /** A user was created: reload the table when it shows the last page (where that user is). */
    userCreated() {
      if (loaded && following === null) {
        clearTimeout(reload);
        reload = setTimeout(() => load(current), RELOAD_DELAY_MS);
      }
    },
  };
}

function userRow(user) {
  return el('tr', { 'data-id': user.id },
    el('td', {}, el('a', { href: `#/users/${user.id}` }, String(user.id))),
    el('td', {}, user.name),
    el('td', {}, user.email),
    el('td', {}, when(user.createdAt)));
}

/** Shows user `id` on the user page. */
export async function showUser(id) {
  const title = byId('user-page-title');
  const fields = byId('user-page-fields');
  const status = byId('user-page-status');
  title.textContent = `User #${id}`;
  fields.replaceChildren();
  setStatus(status, '', 'Loading…');
  title.focus();
  try {
    const { data } = await api(`/users/${encodeURIComponent(id)}`);
    title.textContent = `User #${data.id}: ${data.name}`;
    fields.replaceChildren(
      el('dt', {}, 'Id'), el('dd', {}, String(data.id)),
      el('dt', {}, 'Name'), el('dd', {}, data.name),
      el('dt', {}, 'Email'), el('dd', {}, data.email),
      el('dt', {}, 'Created'), el('dd', {}, el('time', { datetime: data.createdAt }, when(data.createdAt))));
    setStatus(status, '', '');
  } catch (error) {
    setStatus(status, 'error', error instanceof ApiError && error.status === 404
      ? `There is no user #${id}.` : explain(error));
  }
}
