// Sign in with a connection string or a SAS token (docs/dashboard.md, "Authentication"). The credentials are tried
// with one request before they are kept; a refusal is shown and nothing is stored. The form never submits anywhere:
// the secret stays out of URLs, history and the server's logs.

import { field, h, replace } from '../dom.js';
import { parseCredentials, store } from '../credentials.js';
import { HubError, page } from '../hub.js';

export async function signInView({ root, navigate, setTitle }) {
  const secret = h('input', {
    type: 'password', name: 'credentials', autocomplete: 'off', spellcheck: 'false', required: true, class: 'wide',
  });
  const message = h('p', { class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'signin', novalidate: true },
    field('Connection string or SAS token', secret,
      'HostName=…;SharedAccessKeyName=…;SharedAccessKey=…, or SharedAccessSignature sr=…. Kept in this browser tab only.'),
    button, message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(message);
    let credentials;
    try {
      credentials = parseCredentials(secret.value);
    } catch (error) {
      replace(message, error.message);
      secret.focus();
      return;
    }
    button.disabled = true;
    try {
      await page('GET', '/jobs/v2/query', { pageSize: 1, credentials });
      store(credentials);
      secret.value = '';
      if (!location.hash || location.hash === '#/signin') location.hash = '#/jobs';
      else navigate();
    } catch (error) {
      replace(message, error instanceof HubError
        ? `The hub refused these credentials (${error.code}: ${error.detail})`
        : `Could not reach the hub: ${error.message}`);
      secret.focus();
    } finally {
      button.disabled = false;
    }
  });
  replace(root, h('h1', {}, 'Sign in'), form);
  setTitle('Sign in');
  secret.focus();
}
