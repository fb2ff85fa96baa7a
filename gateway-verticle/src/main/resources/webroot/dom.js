// Tiny DOM helpers: elements are built with textContent only, never innerHTML, so server data is never markup.

/** The element with this id (throws early when the page and the script disagree). */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) {
    throw new Error(`#${id} is missing from the page`);
  }
  return element;
}

/** Creates an element: el('a', {href: '#/'}, 'text', child...). Attributes starting with 'data-' go to dataset. */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === 'class') {
      element.className = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children) {
    if (child !== undefined && child !== null && child !== false) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
  return element;
}

/** Sets a status line: kind 'ok', 'error' or '' (neutral). */
export function setStatus(element, kind, ...content) {
  element.replaceChildren(...content);
  element.classList.toggle('error', kind === 'error');
  element.classList.toggle('ok', kind === 'ok');
}
