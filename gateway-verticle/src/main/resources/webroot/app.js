// The console's entry point: wires the panels, the live feed, the sign-in token and the hash routes
// (#/ the dashboard, #/users/<id> one user's page).

import { setToken, token, when } from './api.js';
import { byId, el, setStatus } from './dom.js';
import { LiveFeed } from './feed.js';
import { initHealth } from './health.js';
import { initMessages } from './messages.js';
import { initSignup } from './signup.js';
import { initUsers, showUser } from './users.js';

const FEED_SIZE = 50;

function initFeed(users) {
  const list = byId('feed-list');
  const empty = byId('feed-empty');
  const state = byId('feed-state');
  let countdown = null;

  const feed = new LiveFeed({
    last: FEED_SIZE,
    token,
    onUser(user) {
      const item = el('li', { 'data-id': user.id, class: 'fresh' },
        el('a', { href: `#/users/${user.id}`, class: 'feed-id' }, `#${user.id}`),
        el('span', { class: 'feed-name' }, user.name),
        el('span', { class: 'feed-email' }, user.email),
        el('time', { datetime: user.createdAt || '', class: 'hint small' }, when(user.createdAt)));
      // Highlight a new user once (a hidden-then-shown list would otherwise replay the animation).
      item.addEventListener('animationend', () => item.classList.remove('fresh'), { once: true });
      list.prepend(item);
      while (list.children.length > FEED_SIZE) {
        list.lastElementChild.remove();
      }
      empty.hidden = true;
      users.userCreated();
    },
    onState(next) {
      clearInterval(countdown);
      state.dataset.state = next.name;
      if (next.name === 'live') {
        state.replaceChildren(el('span', { class: 'conn-label' }, 'Live'));
      } else if (next.name === 'connecting') {
        state.replaceChildren(el('span', { class: 'conn-label' }, 'Connecting…'));
      } else {
        const closed = next.code && next.code !== 1006 ? ` (closed ${next.code}${next.reason ? `: ${next.reason}` : ''})` : '';
        const seconds = el('span', { 'aria-hidden': 'true' });
        const tick = () => {
          seconds.textContent = ` in ${Math.max(0, Math.ceil((next.retryAt - Date.now()) / 1000))} s${closed}`;
        };
        tick();
        countdown = setInterval(tick, 250);
        state.replaceChildren(el('span', { class: 'conn-label' }, 'Reconnecting'), seconds);
      }
    },
  });
  feed.start();
  return feed;
}

function initSignin(feed) {
  const form = byId('signin-form');
  const input = byId('signin-token');
  const state = byId('signin-state');
  const summary = byId('signin-summary');

  function show() {
    const bearer = token();
    const claims = bearer ? decodeClaims(bearer) : null;
    summary.dataset.status = bearer ? 'signed-in' : 'none';
    summary.textContent = bearer ? `Signed in${claims && claims.sub ? ` as ${claims.sub}` : ''}` : 'Not signed in';
    if (!bearer) {
      setStatus(state, '', 'Not signed in: requests go without a token (fine while the gateway runs without auth).');
      return;
    }
    const parts = ['Signed in: every request sends this token.'];
    if (claims) {
      if (claims.sub) parts.push(`Subject: ${claims.sub}.`);
      if (claims.scope) parts.push(`Scopes: ${claims.scope}.`);
      if (claims.exp) {
        const expires = new Date(claims.exp * 1000);
        parts.push(expires < new Date() ? `Expired at ${expires.toLocaleString()}.` : `Expires ${expires.toLocaleString()}.`);
      }
    }
    setStatus(state, 'ok', parts.join(' '));
  }

  form.addEventListener('submit', event => {
    event.preventDefault();
    setToken(input.value.trim().replace(/^Bearer\s+/i, ''));
    input.value = '';
    show();
    feed.restart();
  });
  byId('signin-clear').addEventListener('click', () => {
    setToken('');
    input.value = '';
    show();
    feed.restart();
  });
  show();
}

/** The payload of a JWT, only to show who it names (the gateway verifies it, not the page). */
function decodeClaims(jwt) {
  try {
    const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload.padEnd(Math.ceil(payload.length / 4) * 4, '=')));
  } catch {
    return null;
  }
}

function route() {
  const dashboard = byId('dashboard');
  const userPage = byId('user-page');
  const match = /^#\/users\/([^/?#]+)$/.exec(location.hash);
  if (match) {
    dashboard.hidden = true;
    userPage.hidden = false;
    showUser(decodeURIComponent(match[1]));
    return;
  }
  const wasHidden = dashboard.hidden;
  dashboard.hidden = false;
  userPage.hidden = true;
  const anchor = /^#([a-z-]+)$/.exec(location.hash);
  if (anchor && wasHidden) {
    document.getElementById(anchor[1])?.scrollIntoView();
  }
}

const users = initUsers();
const feed = initFeed(users);
initSignup();
initHealth();
initMessages();
initSignin(feed);
window.addEventListener('hashchange', route);
route();
