// Follows a job until it ends (docs/dashboard.md, "The live view"): the job's event stream
// (GET /jobs/v2/{id}/events, Server-Sent Events read with fetch() so the SAS token travels in the Authorization header),
// reconnecting with Last-Event-ID; polling GET /jobs/v2/{id} where the hub has no stream (404 other than JobNotFound,
// 405, 501) or it cannot be kept open, and where pollWhen(job) says so: a rollout's rolloutStatus is only in the job
// document, and the stream's statuses have no 'paused' (docs/events.md, "Rollout events"), so such a job is followed by
// reading it. The job document read after the end is the final word.

import { encode, readError, request, send } from './hub.js';
import { SseParser, readEvents } from './sse.js';
import { isFinished, readEvent } from './jobstate.js';

const POLL_MS = 2000;
const MAX_STREAM_FAILURES = 3;

/**
 * Calls onJob(job) with every state seen and onSource('stream'|'polling') when the source is known; ends at the job's end.
 * pollWhen(job), asked before and while streaming, switches to reading the job.
 */
export async function watchJob(jobId, { onJob, onSource, pollWhen = () => false }, signal) {
  const read = async () => {
    const job = (await request('GET', `/jobs/v2/${encode(jobId)}`, { signal })).body;
    onJob(job);
    return job;
  };
  let job = await read();
  if (isFinished(job)) return job;
  const streamed = pollWhen(job) ? null : await stream(jobId, job, read, onJob, onSource, pollWhen, signal);
  if (streamed) return streamed;
  onSource('polling');
  while (!isFinished(job)) {
    await sleep(POLL_MS, signal);
    job = await read();
  }
  return job;
}

async function stream(jobId, initial, read, onJob, onSource, pollWhen, signal) {
  let lastEventId = null;
  let failures = 0;
  let job = initial;
  while (!signal.aborted) {
    const headers = { Accept: 'text/event-stream' };
    if (lastEventId) headers['Last-Event-ID'] = lastEventId;
    let response;
    try {
      response = await send('GET', `/jobs/v2/${encode(jobId)}/events`, { headers, signal });
    } catch (error) {
      if (signal.aborted) throw error;
      if (++failures >= MAX_STREAM_FAILURES) return null;
      await sleep(1000 * failures, signal);
      continue;
    }
    if (!response.ok) {
      const error = await readError(response);
      if (error.code === 'JobNotFound') throw error;
      if ([404, 405, 501].includes(response.status)) return null;
      throw error;
    }
    if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) return null;
    onSource('stream');
    const parser = new SseParser();
    let ended = false;
    let lastRead = Date.now();
    try {
      await readEvents(response, parser, async (event) => {
        if (pollWhen(job)) return false;
        const reading = readEvent(event);
        job = { ...job, status: reading.status ?? job.status };
        if (reading.statistics) job.deviceJobStatistics = { ...job.deviceJobStatistics, ...reading.statistics };
        if (reading.ended) {
          ended = true;
          return false;
        }
        if (reading.needsRefresh && Date.now() - lastRead >= 1000) {
          job = await read();
          lastRead = Date.now();
          if (isFinished(job)) {
            ended = true;
            return false;
          }
        } else {
          onJob(job);
        }
        return true;
      });
    } catch (error) {
      if (signal.aborted) throw error; // otherwise the connection broke: read the job, then reconnect
    }
    lastEventId = parser.lastEventId ?? lastEventId;
    job = await read();
    if (ended || isFinished(job)) return job;
    if (pollWhen(job) || ++failures >= MAX_STREAM_FAILURES) return null;
  }
  throw new DOMException('Aborted', 'AbortError');
}

export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException('Aborted', 'AbortError'));
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new DOMException('Aborted', 'AbortError'));
    }, { once: true });
  });
}
