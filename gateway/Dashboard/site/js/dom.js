// Building the page without HTML strings: every text goes in as text (textContent), never as markup, so nothing the
// hub returns (device ids, tags, error messages) can become script. The Content-Security-Policy's Trusted Types rule
// (gateway/Dashboard/DashboardSite.cs) makes any innerHTML assignment throw, which keeps it that way.

const PROPERTIES = new Set(['value', 'checked', 'disabled', 'selected', 'hidden', 'open']);

/** h('a', {href: '#/jobs', class: 'x', onclick: fn}, 'text', child, [more]) */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else if (PROPERTIES.has(name)) element[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(element, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function replace(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

/** A label and its control, tied by id, so screen readers announce the label. */
let nextId = 0;
export function field(label, control, hint) {
  control.id ||= `f${++nextId}`;
  const hintElement = hint ? h('span', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintElement) control.setAttribute('aria-describedby', hintElement.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintElement);
}

export function time(value) {
  if (!value) return '–';
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() >= 9999 || date.getUTCFullYear() <= 1) return '–';
  return h('time', { datetime: date.toISOString() }, date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
}

export function json(value) {
  return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}

export function badge(status) {
  return h('span', { class: `badge status-${String(status ?? 'unknown').toLowerCase()}` }, status ?? 'unknown');
}
