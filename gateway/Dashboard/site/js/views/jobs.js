// The jobs list (GET /jobs/v2/query): filters by type and status run on the server, pages by continuation, and the page
// on screen is read again every few seconds while one of its jobs is unfinished, so statuses and counts stay live.

import { badge, field, h, replace, time } from '../dom.js';
import { encode, page } from '../hub.js';
import { counts, isFinished } from '../jobstate.js';
import { Pager } from '../paging.js';
import { sleep } from '../watch.js';

const REFRESH_MS = 3000;
const TYPES = [['', 'Any type'], ['scheduleDeviceMethod', 'Direct method'], ['scheduleUpdateTwin', 'Twin update']];
const STATUSES = ['', 'queued', 'scheduled', 'running', 'paused', 'completed', 'failed', 'cancelled'];

export async function jobsView({ root, signal, setTitle, showError }) {
  const type = h('select', { name: 'jobType' }, TYPES.map(([value, text]) => h('option', { value }, text)));
  const status = h('select', { name: 'jobStatus' }, STATUSES.map((value) => h('option', { value }, value || 'Any status')));
  const size = h('select', { name: 'pageSize' }, [10, 25, 50, 100].map((n) => h('option', { value: String(n), selected: n === 25 }, String(n))));
  const body = h('tbody');
  const table = h('table', { class: 'jobs' },
    h('caption', { class: 'visually-hidden' }, 'Jobs, oldest first'),
    h('thead', {}, h('tr', {}, ['Job', 'Type', 'Status', 'Created', 'Start', 'End', 'Devices', 'Succeeded', 'Failed']
      .map((name) => h('th', { scope: 'col' }, name)))),
    body);
  let rows = [];
  const pager = new Pager(
    (continuation) => {
      const filters = new URLSearchParams();
      if (type.value) filters.set('jobType', type.value);
      if (status.value) filters.set('jobStatus', status.value);
      const query = filters.toString();
      return page('GET', `/jobs/v2/query${query ? `?${query}` : ''}`, { pageSize: Number(size.value), continuation, signal });
    },
    (items) => {
      rows = items;
      replace(body, items.length === 0
        ? h('tr', {}, h('td', { colspan: '9' }, 'No jobs match.'))
        : items.map(row));
    });
  const filters = h('form', { class: 'filters', 'aria-label': 'Filter jobs' },
    field('Type', type), field('Status', status), field('Per page', size));
  filters.addEventListener('change', () => pager.reset().catch(showError));
  filters.addEventListener('submit', (event) => event.preventDefault());

  replace(root,
    h('div', { class: 'title-row' }, h('h1', {}, 'Jobs'), h('a', { class: 'button', href: '#/jobs/new' }, 'New job')),
    filters, table, pager.element,
    h('p', { class: 'hint' }, 'Oldest first, as the hub lists them. Unfinished jobs update every few seconds.'));
  setTitle('Jobs');
  await pager.reset();
  for (;;) {
    await sleep(REFRESH_MS, signal);
    if (rows.some((job) => !isFinished(job))) await pager.reload().catch(showError);
  }
}

function row(job) {
  const c = counts(job);
  const started = job.deviceJobStatistics !== undefined;
  return h('tr', {},
    h('th', { scope: 'row' }, h('a', { href: `#/jobs/${encode(job.jobId)}` }, job.jobId)),
    h('td', {}, job.type === 'scheduleDeviceMethod' ? 'Direct method' : job.type === 'scheduleUpdateTwin' ? 'Twin update' : job.type),
    h('td', {}, badge(job.status)),
    h('td', {}, time(job.createdTime)), h('td', {}, time(job.startTime)), h('td', {}, time(job.endTime)),
    h('td', { class: 'num' }, started ? String(c.total) : '–'),
    h('td', { class: 'num' }, started ? String(c.succeeded) : '–'),
    h('td', { class: 'num' }, started ? String(c.failed) : '–'));
}
