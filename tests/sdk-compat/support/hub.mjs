// Shared helpers for the SDK compatibility tests. Only the public API of `azure-iothub` is used, except for one direct
// REST call that creates a job the SDK cannot express (putJobDirectly).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import https from 'node:https';
import { isDeepStrictEqual } from 'node:util';
import iothub from 'azure-iothub';

export const { Registry, JobClient, Client, SharedAccessSignature, ConnectionString } = iothub;

/** Connection string of the hub under test (set by run-suite.sh from the instance's hub.env). */
export function connectionString() {
  const cs = process.env.IOTHUB_CONNECTION_STRING;
  if (!cs) throw new Error('IOTHUB_CONNECTION_STRING is not set: run the suite through tests/sdk-compat/run-suite.sh');
  return cs;
}

export const registry = () => explained(Registry.fromConnectionString(connectionString()));
export const jobClient = () => explained(JobClient.fromConnectionString(connectionString()));
export const serviceClient = () => explained(Client.fromConnectionString(connectionString()));

/**
 * The same SDK object; only the messages of rejected promises gain the HTTP status and response body
 * (the SDK reports e.g. a 405 as a bare "Error: "). Error classes and everything else are unchanged.
 * Query objects (createQuery) and Twin objects (getTwin) are wrapped the same way.
 */
export function explained(sdkObject) {
  return new Proxy(sdkObject, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function' || typeof prop !== 'string' || prop.startsWith('_') || prop === 'constructor') return value;
      return (...args) => {
        const result = value.apply(target, args);
        if (result && typeof result.then === 'function') {
          return result.then((res) => {
            if (res?.responseBody && typeof res.responseBody.update === 'function') res.responseBody = explained(res.responseBody);
            return res;
          }, (err) => { throw annotate(err, prop); });
        }
        if (prop === 'createQuery' && result) return explained(result);
        return result;
      };
    },
  });
}

function annotate(err, method) {
  if (err && typeof err === 'object' && err.response?.statusCode && !err.annotated) {
    const body = typeof err.responseBody === 'string' ? err.responseBody : JSON.stringify(err.responseBody);
    const note = `[${method}: HTTP ${err.response.statusCode}${body ? `, body ${body.slice(0, 500)}` : ''}]`;
    const stack = typeof err.stack === 'string' ? err.stack : ''; // formatted now, with the old message
    const firstLine = `${err.name}: ${err.message}`;
    err.message = `${err.message} ${note}`;
    if (stack.startsWith(firstLine)) err.stack = `${err.name}: ${err.message}${stack.slice(firstLine.length)}`;
    err.annotated = true;
  }
  return err;
}

const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

/** A new id, unique per run: letters, digits and '-' only (valid for devices and jobs). */
export function uniqueId(purpose) {
  return `sdkc-${RUN}-${purpose}-${randomBytes(2).toString('hex')}`;
}

/** `count` device ids sharing one unique prefix. */
export function deviceIds(purpose, count) {
  const prefix = uniqueId(purpose);
  return Array.from({ length: count }, (_, i) => `${prefix}-d${String(i).padStart(2, '0')}`);
}

/** Registers the devices with Registry.addDevices, at most 100 per call. */
export async function addDevices(reg, ids) {
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100).map((deviceId) => ({ deviceId, status: 'enabled' }));
    const { responseBody } = await reg.addDevices(chunk);
    if (responseBody && responseBody.isSuccessful === false) {
      throw new Error(`addDevices reported errors: ${JSON.stringify(responseBody.errors)}`);
    }
  }
}

/**
 * Registers devices that the hub's device simulator answers for: a device is simulated when its twin tags hold `sim`
 * (docs/jobs.md, "device-sim steering tags"); any other device must connect with a device SDK to be online.
 */
export async function addSimulatedDevices(reg, ids) {
  await addDevices(reg, ids);
  for (const id of ids) await reg.updateTwin(id, { tags: { sim: {} } }, '*');
}

/** Best-effort clean-up (Registry.removeDevices); never fails a test. */
export async function removeDevices(reg, ids) {
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100).map((deviceId) => ({ deviceId }));
    try { await reg.removeDevices(chunk, true); } catch { /* clean-up only */ }
  }
}

/** A job queryCondition naming exactly these devices. */
export const deviceIdIn = (ids) => `deviceId IN [${ids.map((id) => `'${id}'`).join(', ')}]`;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls until `probe()` returns a truthy value, or throws with the last seen value after the deadline.
 * `describe(last)` explains what was seen in the error message.
 */
export async function eventually(probe, { timeoutMs = 90_000, intervalMs = 500, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  let lastError;
  for (;;) {
    try {
      last = await probe();
      lastError = undefined;
      if (last && last.done) return last.value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const seen = lastError ? `last error: ${describeError(lastError)}` : `last seen: ${JSON.stringify(last?.value ?? last)}`;
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; ${seen}`);
    }
    await sleep(intervalMs);
  }
}

export const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** Polls JobClient.getJob until the job is completed, failed or cancelled; returns the job. */
export function waitForJobEnd(jobs, jobId, timeoutMs = 120_000) {
  return eventually(async () => {
    const { jobStatus } = await jobs.getJob(jobId);
    return { done: TERMINAL.has(jobStatus.status), value: jobStatus };
  }, { timeoutMs, what: `job ${jobId} to reach a terminal status` });
}

/**
 * Reads every page of a Query with next(query.continuationToken) (the promise form of a bare
 * next() resends no token: spec section 11.4). Returns the pages (arrays of items).
 */
export async function allPages(query, maxPages = 500) {
  const pages = [];
  while (query.hasMoreResults) {
    if (pages.length >= maxPages) throw new Error(`more than ${maxPages} pages: continuation never ends`);
    const { result } = await query.next(query.continuationToken);
    if (!Array.isArray(result)) throw new Error(`a query page is not a JSON array: ${JSON.stringify(result)}`);
    pages.push(result);
  }
  return pages;
}

/** Error summary for assertion messages: SDK error name, HTTP status, response body. */
export function describeError(err) {
  if (err?.annotated) return `${err.name}: ${err.message}`;
  const status = err?.response?.statusCode;
  const body = err?.responseBody;
  return `${err?.name}: ${err?.message}${status ? ` (HTTP ${status}` : ''}${body ? `, body ${typeof body === 'string' ? body : JSON.stringify(body)}` : ''}${status ? ')' : ''}`;
}

/** assert.rejects matcher: an SDK error of this class name (e.g. 'DeviceNotFoundError'). */
export function sdkError(name, status) {
  return (err) => {
    if (err?.name !== name || (status && err?.response?.statusCode !== status)) {
      throw new Error(`expected ${name}${status ? ` (HTTP ${status})` : ''}, got ${describeError(err)}`);
    }
    return true;
  };
}

/**
 * Asserts that a job that ended is `completed` with exact statistics for `deviceCount` devices that all
 * succeeded. On a mismatch the message also shows the job's devices.jobs records and the job 3 s later.
 */
export async function assertCompletedWithExactStatistics(reg, jobs, job, deviceCount) {
  const expected = { deviceCount, succeededCount: deviceCount, failedCount: 0, runningCount: 0, pendingCount: 0 };
  if (job.status === 'completed' && isDeepStrictEqual(job.deviceJobStatistics, expected)) return;
  let records;
  try {
    records = (await allPages(reg.createQuery(`SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '${job.jobId}'`))).flat()
      .map((r) => `${r.deviceId.slice(-3)}:${r.status}`).join(' ');
  } catch (err) { records = `(query failed: ${describeError(err)})`; }
  await sleep(3000);
  const { jobStatus: later } = await jobs.getJob(job.jobId);
  assert.fail(`job ${job.jobId} ended '${job.status}' with statistics ${JSON.stringify(job.deviceJobStatistics)}; `
    + `expected 'completed' with ${JSON.stringify(expected)}. devices.jobs at that time: [${records}]; `
    + `3 s later the job is '${later.status}' with ${JSON.stringify(later.deviceJobStatistics)}`);
}

/**
 * A job created with PUT /jobs/v2/{jobId} directly, signed with the SDK's own SharedAccessSignature.create, for what
 * JobClient cannot send: scheduleDeviceMethod (azure-iothub 1.16.6) copies only methodName, payload and
 * responseTimeoutInSeconds into the job, never connectTimeoutInSeconds. Answers the parsed body; a status other than
 * 200 throws with the body.
 */
export async function putJobDirectly(job) {
  const cs = ConnectionString.parse(connectionString());
  const token = SharedAccessSignature.create(cs.HostName, cs.SharedAccessKeyName, cs.SharedAccessKey, Math.floor(Date.now() / 1000) + 600).toString();
  const body = JSON.stringify(job);
  const [host, port] = cs.HostName.split(':');
  return new Promise((resolve, reject) => {
    const request = https.request({
      host, port: Number(port || 443), method: 'PUT', path: `/jobs/v2/${encodeURIComponent(job.jobId)}?api-version=2021-04-12`,
      headers: { Authorization: token, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) },
    }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => (response.statusCode === 200
        ? resolve(JSON.parse(text))
        : reject(new Error(`PUT /jobs/v2/${job.jobId}: HTTP ${response.statusCode}, body ${text.slice(0, 500)}`))));
    });
    request.on('error', reject);
    request.end(body);
  });
}
