// One job (docs/dashboard.md, "Job page"): live progress from its event stream (or by reading it, for rollouts and
// paused jobs), where its rollout stands, the timeline, why devices failed, cancel, pause, resume and approve buttons
// with confirmation, and its device results — devices.jobs queries whose filters (status, device-id prefix) run on the
// server and whose pages follow the continuation token, so a job of 100,000 devices costs one page per view.

import { badge, field, h, json, replace, time } from '../dom.js';
import { encode, literal, query } from '../hub.js';
import { counts, isFinished } from '../jobstate.js';
import { Pager } from '../paging.js';
import { ProgressView } from '../progress.js';
import { watchJob } from '../watch.js';
import { jobControls } from './jobcontrols.js';
import { rolloutPanel } from './rollout.js';

const DEVICE_STATUSES = ['', 'pending', 'running', 'completed', 'failed', 'canceled'];
const FAILURE_SAMPLE = 100;

export async function jobView({ root, signal, setTitle, showError }, jobId) {
  const status = h('span', { class: 'job-status', 'aria-live': 'polite' });
  const source = h('span', { class: 'source hint', 'aria-live': 'polite' });
  const progress = new ProgressView();
  const details = h('dl', { class: 'details' });
  const timeline = h('ol', { class: 'timeline' });
  const failures = h('div', { class: 'failures' });
  const rollout = rolloutPanel();
  const devices = deviceResults(jobId, signal, showError);
  // Set once the job was seen paused: the event stream does not tell a resume, so the page reads the job from then on.
  let pausedSeen = false;
  const pollWhen = (job) => Boolean(job.rollout) || pausedSeen;
  const controls = jobControls(jobId, { signal, showError, onJob }); // onJob is declared below (hoisted)

  replace(root,
    h('div', { class: 'title-row' }, h('h1', {}, 'Job ', h('code', {}, jobId)), status, controls.element),
    h('section', { 'aria-labelledby': 'progress-h' }, h('h2', { id: 'progress-h' }, 'Progress ', source), progress.element),
    rollout.element,
    h('div', { class: 'columns' },
      h('section', { 'aria-labelledby': 'details-h' }, h('h2', { id: 'details-h' }, 'Details'), details),
      h('section', { 'aria-labelledby': 'timeline-h' }, h('h2', { id: 'timeline-h' }, 'Timeline'), timeline)),
    h('section', { 'aria-labelledby': 'failures-h' }, h('h2', { id: 'failures-h' }, 'Failure reasons'), failures),
    devices.element);
  setTitle(`Job ${jobId}`);

  let shownStatus = null;
  let failedShown = -1;
  function onJob(job) {
    if (job.status === 'paused') pausedSeen = true;
    if (job.status !== shownStatus) {
      shownStatus = job.status;
      replace(status, badge(job.status));
      showDetails(details, job);
      devices.pager.reload().catch(showError);
    }
    controls.update(job);
    rollout.show(job);
    progress.show(job);
    showTimeline(timeline, job);
    const failed = counts(job).failed;
    if (failed !== failedShown || job.failureReason) {
      failedShown = failed;
      showFailures(failures, jobId, job, signal).catch(showError);
    }
  }
  const onSource = (kind) => replace(source, kind === 'stream' ? '(live: event stream)' : '(live: reading the job every 2 s)');

  await devices.pager.reset();
  const final = await watchJob(jobId, { onJob, onSource, pollWhen }, signal);
  replace(source, '(finished)');
  onJob(final);
  await devices.pager.reload();
}

function showDetails(list, job) {
  const entries = [['Type', job.type], ['Query condition', h('code', {}, job.queryCondition)],
    ['Max execution time', `${job.maxExecutionTimeInSeconds} s`]];
  if (job.cloudToDeviceMethod) {
    const m = job.cloudToDeviceMethod;
    entries.push(['Method', h('code', {}, m.methodName)], ['Payload', json(m.payload)],
      ['Response timeout', `${m.responseTimeoutInSeconds ?? 30} s`], ['Connect timeout', `${m.connectTimeoutInSeconds ?? 0} s`]);
  }
  if (job.updateTwin) {
    const { deviceId, etag, ...patch } = job.updateTwin;
    entries.push(['Twin patch', json(patch)]);
  }
  if (job.rollout) entries.push(['Rollout', json(job.rollout)]);
  replace(list, entries.map(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]));
}

/** Created, scheduled start, started (the start time, once the job ran), ended. */
function showTimeline(list, job) {
  // A cancelled job ran if it reached devices: its answer may carry (zero) statistics without ever having started.
  const ran = ['running', 'paused', 'completed', 'failed'].includes(job.status) || (job.deviceJobStatistics?.deviceCount ?? 0) > 0;
  const ended = isFinished(job) ? time(job.endTime) : 'not yet';
  replace(list,
    h('li', {}, h('span', { class: 'when' }, 'Created'), time(job.createdTime)),
    h('li', {}, h('span', { class: 'when' }, 'Scheduled for'), time(job.startTime)),
    h('li', {}, h('span', { class: 'when' }, 'Started'), ran ? time(job.startTime) : job.status === 'cancelled' ? 'never' : 'not yet'),
    h('li', {}, h('span', { class: 'when' }, `Ended${isFinished(job) ? ` (${job.status})` : ''}`), ended));
}

/** The job's own failure reason, and the error codes among the first failed devices (one page, counted here). */
async function showFailures(element, jobId, job, signal) {
  const parts = [];
  if (job.failureReason) parts.push(h('p', { class: 'alert' }, job.failureReason));
  if (counts(job).failed > 0) {
    const { items } = await query(
      `SELECT * FROM devices.jobs WHERE devices.jobs.jobId = ${literal(jobId)} AND devices.jobs.status IN ['failed', 'canceled']`,
      { pageSize: FAILURE_SAMPLE, signal });
    const byCode = new Map();
    for (const item of items) {
      const code = item.error?.code ?? item.status;
      const entry = byCode.get(code) ?? { count: 0, description: item.error?.description ?? '' };
      entry.count++;
      byCode.set(code, entry);
    }
    parts.push(h('table', { class: 'codes' },
      h('caption', {}, `Errors of the first ${items.length} failed devices`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Error'), h('th', { scope: 'col' }, 'Devices'), h('th', { scope: 'col' }, 'Description'))),
      h('tbody', {}, [...byCode].sort((a, b) => b[1].count - a[1].count).map(([code, e]) =>
        h('tr', {}, h('th', { scope: 'row' }, h('code', {}, code)), h('td', { class: 'num' }, String(e.count)), h('td', {}, e.description))))));
  }
  if (parts.length === 0) parts.push(h('p', {}, 'None.'));
  replace(element, parts);
}

function deviceResults(jobId, signal, showError) {
  const status = h('select', { name: 'status' }, DEVICE_STATUSES.map((value) => h('option', { value }, value || 'Any status')));
  const search = h('input', { type: 'search', name: 'deviceId', autocomplete: 'off', spellcheck: 'false' });
  const size = h('select', { name: 'pageSize' }, [25, 100, 500].map((n) => h('option', { value: String(n) }, String(n))));
  const body = h('tbody');
  const pager = new Pager(
    (continuation) => query(deviceJobQuery(jobId, status.value, search.value.trim()), { pageSize: Number(size.value), continuation, signal }),
    (items) => replace(body, items.length === 0
      ? h('tr', {}, h('td', { colspan: '6' }, 'No device results match.'))
      : items.map(deviceRow)));
  const form = h('form', { class: 'filters', 'aria-label': 'Filter device results' },
    field('Status', status), field('Device id starts with', search), field('Per page', size),
    h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    pager.reset().catch(showError);
  });
  status.addEventListener('change', () => pager.reset().catch(showError));
  size.addEventListener('change', () => pager.reset().catch(showError));
  const table = h('table', { class: 'devices' },
    h('caption', { class: 'visually-hidden' }, 'Device results'),
    h('thead', {}, h('tr', {}, ['Device', 'Status', 'Started', 'Ended', 'Result', 'Details'].map((n) => h('th', { scope: 'col' }, n)))),
    body);
  return {
    pager,
    element: h('section', { 'aria-labelledby': 'devices-h' }, h('h2', { id: 'devices-h' }, 'Device results'), form, table, pager.element),
  };
}

/**
 * The device results the filters select. A prefix becomes a range on deviceId (the ledger's key, ordered byte-wise), so
 * it uses the index instead of testing every device of the job.
 */
export function deviceJobQuery(jobId, status, prefix) {
  const conditions = [`devices.jobs.jobId = ${literal(jobId)}`];
  if (status) conditions.push(`devices.jobs.status = ${literal(status)}`);
  if (prefix) {
    const last = prefix.codePointAt(prefix.length - 1);
    const upper = prefix.slice(0, -1) + String.fromCodePoint(last + 1);
    conditions.push(`devices.jobs.deviceId >= ${literal(prefix)}`, `devices.jobs.deviceId < ${literal(upper)}`);
  }
  return `SELECT * FROM devices.jobs WHERE ${conditions.join(' AND ')}`;
}

function deviceRow(item) {
  const response = item.outcome?.deviceMethodResponse;
  const result = item.error ? h('code', {}, item.error.code) : response ? `status ${response.status}` : item.status === 'completed' ? 'updated' : '–';
  const detail = item.error ? item.error.description : response ? JSON.stringify(response.payload) : '';
  return h('tr', {},
    h('th', { scope: 'row' }, h('a', { href: `#/devices/${encode(item.deviceId)}` }, item.deviceId)),
    h('td', {}, badge(item.status)),
    h('td', {}, time(item.startTimeUtc)), h('td', {}, time(item.endTimeUtc)),
    h('td', {}, result), h('td', { class: 'detail' }, detail));
}
