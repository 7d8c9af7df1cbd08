// Twin queries through Registry.createQuery with paging (x-ms-max-item-count / x-ms-continuation).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { registry, uniqueId, deviceIds, addDevices, removeDevices, allPages } from './support/hub.mjs';

const reg = registry();
const run = uniqueId('q');
const ids = deviceIds('query', 12);
const others = deviceIds('query-other', 2); // same run, other tag value: must not match

before(async () => {
  await addDevices(reg, [...ids, ...others]);
  for (const id of ids) await reg.updateTwin(id, { tags: { run, group: 'paging' } }, '*');
  for (const id of others) await reg.updateTwin(id, { tags: { run: `${run}-other` } }, '*');
});
after(() => removeDevices(reg, [...ids, ...others]));

test('a twin query with page size 5 returns every matching device exactly once over 3 pages', async () => {
  const query = reg.createQuery(`SELECT * FROM devices WHERE tags.run = '${run}'`, 5);
  const pages = await allPages(query);
  assert.deepEqual(pages.map((p) => p.length), [5, 5, 2], 'page sizes');
  const seen = pages.flat().map((twin) => twin.deviceId);
  assert.deepEqual([...seen].sort(), [...ids].sort(), 'every device exactly once');
  for (const twin of pages.flat()) assert.equal(twin.tags.run, run);
});

test('nextAsTwin pages through the same result as Twin objects', async () => {
  const query = reg.createQuery(`SELECT * FROM devices WHERE tags.run = '${run}'`, 5);
  const seen = [];
  while (query.hasMoreResults) {
    const { result: twins } = await query.nextAsTwin(query.continuationToken);
    for (const twin of twins) {
      assert.equal(typeof twin.update, 'function', 'nextAsTwin yields Twin objects');
      seen.push(twin.deviceId);
    }
    assert.ok(seen.length <= ids.length, 'more items than devices: a page repeats');
  }
  assert.deepEqual(seen.sort(), [...ids].sort());
});

test('a page size larger than the result gives one page and no continuation token', async () => {
  const query = reg.createQuery(`SELECT * FROM devices WHERE tags.run = '${run}'`, 100);
  const { result } = await query.next(query.continuationToken);
  assert.equal(result.length, ids.length);
  assert.equal(query.hasMoreResults, false, 'x-ms-continuation must be absent on the last page');
  assert.equal(query.continuationToken, undefined);
});

test('a twin query matching nothing returns one empty page', async () => {
  const query = reg.createQuery(`SELECT * FROM devices WHERE tags.run = '${run}-nobody'`, 5);
  const pages = await allPages(query);
  assert.deepEqual(pages, [[]]);
});

test('a query combining a tag and deviceId conditions filters exactly', async () => {
  const query = reg.createQuery(
    `SELECT * FROM devices WHERE tags.run = '${run}' AND deviceId IN ['${ids[0]}', '${ids[1]}', '${others[0]}']`, 5);
  const seen = (await allPages(query)).flat().map((t) => t.deviceId).sort();
  assert.deepEqual(seen, [ids[0], ids[1]].sort());
});
