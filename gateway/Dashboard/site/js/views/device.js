// One device's twin (GET /twins/{id}): identity fields, then tags, desired and reported properties.

import { h, json, replace, time } from '../dom.js';
import { encode, request } from '../hub.js';

export async function deviceView({ root, signal, setTitle }, deviceId) {
  replace(root, h('h1', {}, 'Device ', h('code', {}, deviceId)), h('p', {}, 'Loading…'));
  setTitle(`Device ${deviceId}`);
  const twin = (await request('GET', `/twins/${encode(deviceId)}`, { signal })).body;
  const strip = (section) => {
    if (!section) return {};
    const { $metadata, $version, ...rest } = section;
    return rest;
  };
  replace(root,
    h('div', { class: 'title-row' }, h('h1', {}, 'Device ', h('code', {}, deviceId)), h('a', { href: '#/devices' }, 'All devices')),
    h('dl', { class: 'details' },
      h('dt', {}, 'Status'), h('dd', {}, twin.status),
      h('dt', {}, 'Connection'), h('dd', {}, twin.connectionState),
      h('dt', {}, 'Last activity'), h('dd', {}, time(twin.lastActivityTime)),
      h('dt', {}, 'Twin version'), h('dd', {}, String(twin.version)),
      h('dt', {}, 'Etag'), h('dd', {}, h('code', {}, twin.etag))),
    h('section', { 'aria-labelledby': 'tags-h' }, h('h2', { id: 'tags-h' }, 'Tags'), json(twin.tags ?? {})),
    h('section', { 'aria-labelledby': 'desired-h' }, h('h2', { id: 'desired-h' }, 'Desired properties'), json(strip(twin.properties?.desired))),
    h('section', { 'aria-labelledby': 'reported-h' }, h('h2', { id: 'reported-h' }, 'Reported properties'), json(strip(twin.properties?.reported))));
  setTitle(`Device ${deviceId}`);
}
