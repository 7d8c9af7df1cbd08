// The dashboard's shell: routes by the URL's hash (#/jobs, #/jobs/new, #/jobs/<id>, #/devices, #/devices/<id>), shows the
// sign-in form while nobody is signed in, and moves keyboard focus to each new page's heading so screen readers
// announce it. Each view gets an AbortSignal that ends its requests and live updates when the page changes.

import { h, replace } from './dom.js';
import { describe, forget, storedCredentials } from './credentials.js';
import { HubError, SignedOut } from './hub.js';
import { signInView } from './views/signin.js';
import { jobsView } from './views/jobs.js';
import { jobView } from './views/job.js';
import { newJobView } from './views/newjob.js';
import { devicesView } from './views/devices.js';
import { deviceView } from './views/device.js';

const main = document.getElementById('main');
const alerts = document.getElementById('alerts');
let current = null;

const routes = [
  [/^#\/jobs\/new$/, () => newJobView],
  [/^#\/jobs\/([^/]+)$/, (m) => (ctx) => jobView(ctx, decodeURIComponent(m[1]))],
  [/^#\/jobs$/, () => jobsView],
  [/^#\/devices\/([^/]+)$/, (m) => (ctx) => deviceView(ctx, decodeURIComponent(m[1]))],
  [/^#\/devices$/, () => devicesView],
];

export function showError(error) {
  if (error?.name === 'AbortError') return;
  if (error instanceof SignedOut) {
    navigate();
    return;
  }
  const text = error instanceof HubError ? `${error.code}: ${error.detail}` : String(error?.message ?? error);
  replace(alerts, h('p', { class: 'alert' }, text, ' ', h('button', { type: 'button', class: 'link', onclick: clearError }, 'Dismiss')));
}

export function clearError() {
  alerts.replaceChildren();
}

function header() {
  const credentials = storedCredentials();
  document.getElementById('nav').hidden = !credentials;
  const account = document.getElementById('account');
  if (!credentials) {
    account.replaceChildren();
    return;
  }
  replace(account, h('span', { class: 'who' }, describe(credentials)), ' ',
    h('button', { type: 'button', onclick: () => { forget(); location.hash = '#/signin'; navigate(); } }, 'Sign out'));
}

function navigate() {
  current?.abort();
  current = new AbortController();
  clearError();
  header();
  const hash = location.hash || '#/jobs';
  let view = signInView;
  if (storedCredentials()) {
    view = jobsView;
    for (const [pattern, make] of routes) {
      const match = pattern.exec(hash);
      if (match) {
        view = make(match);
        break;
      }
    }
    if (hash === '#/signin') view = jobsView;
  }
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.getAttribute('href') === hash) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const page = h('div', { class: 'page' });
  replace(main, page);
  const context = { root: page, signal: current.signal, navigate, showError, setTitle };
  Promise.resolve(view(context)).catch(showError);
}

function setTitle(text) {
  document.title = `${text} · IoT Hub Jobs`;
  const heading = main.querySelector('h1');
  heading?.setAttribute('tabindex', '-1');
  heading?.focus();
}

window.addEventListener('hashchange', navigate);
navigate();
