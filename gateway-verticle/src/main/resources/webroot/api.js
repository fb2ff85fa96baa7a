// The gateway's HTTP API: every request carries the bearer token (when one is saved) and every failure
// becomes an ApiError holding the problem+json body, explained in words by explain().

const TOKEN_KEY = 'microservice-stack.token';

/** The saved bearer token, or '' (sessionStorage: this tab only). */
export function token() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

/** Saves (or, with '', forgets) the bearer token. */
export function setToken(value) {
  try {
    if (value) {
      sessionStorage.setItem(TOKEN_KEY, value);
    } else {
      sessionStorage.removeItem(TOKEN_KEY);
    }
  } catch {
    // storage disabled: the token simply is not kept
  }
}

/** A failed request: status 0 when the gateway did not answer at all. */
export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

/**
 * Calls the gateway. Resolves with {status, data} for a 2xx (or a status listed in `accept`), rejects with an
 * ApiError otherwise.
 */
export async function api(path, { method = 'GET', body, accept = [] } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const bearer = token();
  if (bearer) {
    headers.Authorization = `Bearer ${bearer}`;
  }
  let response;
  try {
    response = await fetch(path, {
      method, headers, cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { title: 'No answer', detail: 'The gateway did not answer: is the stack running?' });
  }
  const data = await readJson(response);
  if (response.ok || accept.includes(response.status)) {
    return { status: response.status, data };
  }
  const problem = data && typeof data === 'object' ? data : { title: response.statusText };
  throw new ApiError(response.status, problem, response.headers.get('Retry-After'));
}

async function readJson(response) {
  const text = await response.text();
  if (!text) {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text.slice(0, 200) };
  }
}

/** A failure in words a person can act on. */
export function explain(error) {
  if (!(error instanceof ApiError)) {
    return `Something went wrong in the page: ${error.message}`;
  }
  const { status, problem } = error;
  const detail = problem.detail ? ` (${problem.detail})` : '';
  switch (status) {
    case 0:
      return problem.detail;
    case 401:
      return 'Please sign in: this needs a valid access token, and yours is missing, invalid or expired. '
        + 'Paste a fresh token under “Sign in”.' + detail;
    case 403:
      return `Not allowed: your token lacks the scope this needs${detail}.`;
    case 429: {
      const seconds = Number.parseInt(error.retryAfter, 10);
      const when = Number.isFinite(seconds) ? `in ${seconds} s` : 'in a moment';
      return `Rate limited: too many requests. Try again ${when}.`;
    }
    default:
      return `${problem.title || `HTTP ${status}`}${problem.detail ? `: ${problem.detail}` : ''}`;
  }
}

/** A timestamp as local date and time, or '' when absent. */
export function when(iso) {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}
