// The sign-up form: POST /users, each field's errors next to the field, a taken email in words.

import { api, ApiError, explain } from './api.js';
import { byId, el, setStatus } from './dom.js';

const FIELDS = ['name', 'email'];

export function initSignup() {
  const form = byId('signup-form');
  const status = byId('signup-status');
  const submit = byId('signup-submit');

  form.addEventListener('submit', async event => {
    event.preventDefault();
    clearErrors(form);
    const user = { name: form.elements.name.value, email: form.elements.email.value };
    submit.disabled = true;
    setStatus(status, '', 'Signing up…');
    try {
      const { data } = await api('/users', { method: 'POST', body: user });
      setStatus(status, 'ok', `Signed up ${data.name} as user #${data.id}. `,
        el('a', { href: `#/users/${data.id}`, id: 'signup-user-link' }, `Open user #${data.id}`));
      form.reset();
    } catch (error) {
      showFailure(form, status, error);
    } finally {
      submit.disabled = false;
    }
  });
}

function showFailure(form, status, error) {
  if (error instanceof ApiError && error.status === 400 && error.problem.errors) {
    const other = [];
    let first = null;
    for (const [field, messages] of Object.entries(error.problem.errors)) {
      const text = [].concat(messages).join('; ');
      if (FIELDS.includes(field)) {
        fieldError(form, field, `${capitalise(field)} ${text}.`);
        first = first || form.elements[field];
      } else {
        other.push(`${field} ${text}`);
      }
    }
    setStatus(status, 'error', other.length
      ? `Please fix: ${other.join(', ')}.` : 'Please fix the marked fields.');
    if (first) {
      first.focus();
    }
  } else if (error instanceof ApiError && error.status === 409) {
    const email = form.elements.email.value.trim();
    fieldError(form, 'email', 'Email is already taken.');
    setStatus(status, 'error', `This email is already taken: a user with ${email} exists already. `
      + 'Use another email address.');
    form.elements.email.focus();
  } else {
    setStatus(status, 'error', explain(error));
  }
}

function fieldError(form, field, text) {
  const input = form.elements[field];
  input.setAttribute('aria-invalid', 'true');
  form.querySelector(`.field-error[data-field="${field}"]`).textContent = text;
}

function clearErrors(form) {
  for (const field of FIELDS) {
    form.elements[field].removeAttribute('aria-invalid');
    form.querySelector(`.field-error[data-field="${field}"]`).textContent = '';
  }
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
