// The hub's REST API from the browser (docs/iothub-api.md): same origin as the page, a SAS token in the Authorization
// header of every request, api-version added, IoT Hub error bodies turned into HubError, paging by x-ms-continuation.

import { authorization, storedCredentials } from './credentials.js';

export const API_VERSION = '2021-04-12';

export class HubError extends Error {
  constructor(status, code, message) {
    super(`${code}: ${message}`);
    this.status = status;
    this.code = code;
    this.detail = message;
  }
}

export class SignedOut extends Error {}

/** One request; options: body (JSON), headers, signal, credentials (to try some before they are stored). */
export async function request(method, path, options = {}) {
  const response = await send(method, path, options);
  if (!response.ok) throw await readError(response);
  const text = await response.text();
  return { body: text ? JSON.parse(text) : null, headers: response.headers };
}

/** The raw response (for the event stream); refusals are not thrown here. */
export async function send(method, path, options = {}) {
  const credentials = options.credentials ?? storedCredentials();
  if (!credentials) throw new SignedOut('Not signed in');
  const headers = { Authorization: await authorization(credentials), ...(options.headers ?? {}) };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const url = `${path}${path.includes('?') ? '&' : '?'}api-version=${API_VERSION}`;
  return fetch(url, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
    cache: 'no-store',
    credentials: 'omit',
    redirect: 'error',
  });
}

/** IoT Hub's error bodies: {"Message":"ErrorCode:Name;text",...}, the code also in the iothub-errorcode header. */
export async function readError(response) {
  let code = response.headers.get('iothub-errorcode');
  let message = `HTTP ${response.status}`;
  try {
    const body = JSON.parse(await response.text());
    let text = body?.Message ?? body?.message;
    if (typeof text === 'string' && text.startsWith('{')) text = JSON.parse(text).message ?? text;
    if (typeof text === 'string') {
      const match = /^ErrorCode:([^;]*);(.*)$/s.exec(text);
      if (match) {
        code ||= match[1];
        text = match[2];
      }
      message = text;
    }
  } catch {
    // not JSON: keep the status
  }
  return new HubError(response.status, code || String(response.status), message);
}

/** One page of a paged answer: { items, continuation } (continuation only when another page exists). */
export async function page(method, path, { body, pageSize = 100, continuation, signal, credentials } = {}) {
  const headers = { 'x-ms-max-item-count': String(pageSize) };
  if (continuation) headers['x-ms-continuation'] = continuation;
  const answer = await request(method, path, { body, headers, signal, credentials });
  return { items: answer.body ?? [], continuation: answer.headers.get('x-ms-continuation') || null };
}

export function query(text, options = {}) {
  return page('POST', '/devices/query', { ...options, body: { query: text } });
}

/** A string literal of the query language: quotes and backslashes escaped (libs/IotHubQuery/Syntax/Lexer.cs). */
export function literal(text) {
  return `'${String(text).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export const encode = encodeURIComponent;
