// Sign-in state (docs/dashboard.md, "Authentication"): a connection string or a SAS token, kept in this tab's
// sessionStorage only — never in a cookie, the lasting storage, a URL or a log — and gone when the tab closes. A connection
// string's key never leaves the browser: each request carries a SAS token computed here with Web Crypto (HMAC-SHA256),
// exactly as the SDKs compute it (docs/iothub-api.md, "SAS tokens, policies and permissions").

const STORAGE_KEY = 'iotjobs.credentials';
const TOKEN_LIFETIME_SECONDS = 3600;

let cachedToken = null; // { value, renewAt } for connection strings

/** Reads what the sign-in form got; throws an Error with a message for the person when it is neither form. */
export function parseCredentials(text) {
  const value = String(text ?? '').trim();
  if (/^SharedAccessSignature\s/i.test(value)) {
    const fields = new URLSearchParams(value.replace(/^SharedAccessSignature\s+/i, ''));
    const se = Number(fields.get('se'));
    if (!fields.get('sr') || !fields.get('sig') || !Number.isFinite(se)) throw new Error('This SAS token lacks sr, sig or se.');
    if (se * 1000 <= Date.now()) throw new Error('This SAS token has expired.');
    return { kind: 'token', token: value, expiresAt: se * 1000 };
  }
  const parts = {};
  for (const part of value.split(';')) {
    const equals = part.indexOf('=');
    if (equals > 0) parts[part.slice(0, equals).trim().toLowerCase()] = part.slice(equals + 1).trim();
  }
  if (!parts.hostname || !parts.sharedaccesskey) {
    throw new Error('Paste a connection string (HostName=…;SharedAccessKeyName=…;SharedAccessKey=…) or a SAS token (SharedAccessSignature sr=…).');
  }
  if (!parts.sharedaccesskeyname) throw new Error('This is a device connection string; sign in with a hub policy (SharedAccessKeyName=…).');
  try {
    atob(parts.sharedaccesskey);
  } catch {
    throw new Error('The SharedAccessKey is not Base64.');
  }
  return { kind: 'connectionString', host: parts.hostname, keyName: parts.sharedaccesskeyname, key: parts.sharedaccesskey };
}

export function storedCredentials() {
  const text = sessionStorage.getItem(STORAGE_KEY);
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function store(credentials) {
  cachedToken = null;
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
}

export function forget() {
  cachedToken = null;
  sessionStorage.removeItem(STORAGE_KEY);
}

/** Who is signed in, for the header: the policy and host, never the key. */
export function describe(credentials) {
  if (!credentials) return '';
  if (credentials.kind === 'connectionString') return `${credentials.keyName} @ ${credentials.host}`;
  const fields = new URLSearchParams(credentials.token.replace(/^SharedAccessSignature\s+/i, ''));
  return `${fields.get('skn') ?? 'token'} @ ${fields.get('sr') ?? ''}`;
}

/** The Authorization header value for the given credentials (a fresh token every half lifetime). */
export async function authorization(credentials) {
  if (credentials.kind === 'token') return credentials.token;
  const now = Date.now();
  if (cachedToken && cachedToken.for === credentials && now < cachedToken.renewAt) return cachedToken.value;
  const value = await sasToken(credentials.host, credentials.keyName, credentials.key, TOKEN_LIFETIME_SECONDS);
  cachedToken = { for: credentials, value, renewAt: now + (TOKEN_LIFETIME_SECONDS * 1000) / 2 };
  return value;
}

/** SharedAccessSignature sr=<host, URL-encoded>&sig=<Base64 HMAC-SHA256(key, sr + "\n" + se), URL-encoded>&se=..&skn=.. */
export async function sasToken(host, keyName, base64Key, lifetimeSeconds) {
  const se = Math.floor(Date.now() / 1000) + lifetimeSeconds;
  const sr = encodeURIComponent(host);
  const keyBytes = Uint8Array.from(atob(base64Key), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${sr}\n${se}`)));
  const sig = btoa(String.fromCharCode(...mac));
  return `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(sig)}&se=${se}&skn=${encodeURIComponent(keyName)}`;
}
