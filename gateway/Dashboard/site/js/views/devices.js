// Devices (docs/dashboard.md, "Devices"): any IoT Hub query over twins, paged by continuation; a device's id opens its twin.

import { field, h, replace } from '../dom.js';
import { encode, query } from '../hub.js';
import { Pager } from '../paging.js';

let lastQuery = 'SELECT * FROM devices';

export async function devicesView({ root, signal, setTitle, showError }) {
  const text = h('textarea', { name: 'query', rows: '3', class: 'wide', spellcheck: 'false', value: lastQuery });
  const size = h('select', { name: 'pageSize' }, [25, 100, 500].map((n) => h('option', { value: String(n) }, String(n))));
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  const pager = new Pager(
    (continuation) => query(lastQuery, { pageSize: Number(size.value), continuation, signal }),
    (items) => replace(results, resultTable(items)));
  const form = h('form', { class: 'query', 'aria-label': 'Device query' },
    field('Query', text, "e.g. SELECT * FROM devices WHERE tags.building = '43'"), field('Per page', size),
    h('button', { type: 'submit' }, 'Run query'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    lastQuery = text.value.trim();
    pager.reset().catch(showError);
  });
  replace(root, h('h1', {}, 'Devices'), form, results, pager.element);
  setTitle('Devices');
  await pager.reset();
}

/** Twins as id, status, connection and tags; projections and aggregates with a column per field. */
function resultTable(items) {
  if (items.length === 0) return h('p', {}, 'No results.');
  const twins = items[0] && typeof items[0] === 'object' && 'etag' in items[0] && 'deviceId' in items[0];
  const columns = twins ? ['deviceId', 'status', 'connectionState', 'tags']
    : [...new Set(items.flatMap((item) => (item && typeof item === 'object' ? Object.keys(item) : ['value'])))];
  return h('table', { class: 'query-results' },
    h('caption', { class: 'visually-hidden' }, 'Query results'),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, items.map((item) => h('tr', {}, columns.map((c, i) => {
      const value = item && typeof item === 'object' ? item[c] : item;
      const text = value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
      if (c === 'deviceId' && typeof value === 'string') {
        return h(i === 0 ? 'th' : 'td', i === 0 ? { scope: 'row' } : {}, h('a', { href: `#/devices/${encode(value)}` }, value));
      }
      return h('td', {}, text);
    })))));
}
