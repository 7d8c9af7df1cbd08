// A scheduleUpdateTwin job run to completion through JobClient.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  registry, jobClient, uniqueId, deviceIds, addDevices, removeDevices, deviceIdIn, waitForJobEnd, allPages,
  assertCompletedWithExactStatistics,
} from './support/hub.mjs';

const reg = registry();
const jobs = jobClient();
const ids = deviceIds('tjob', 5);
const bystander = deviceIds('tjob-bystander', 1)[0]; // not targeted: must stay untouched
const jobId = uniqueId('twin-job');
const marker = uniqueId('marker');
const patch = { etag: '*', tags: { jobMarker: marker, site: { floor: 7 } }, properties: { desired: { firmware: '2.1.0' } } };

before(() => addDevices(reg, [...ids, bystander]));
after(() => removeDevices(reg, [...ids, bystander]));

test('scheduleTwinUpdate is accepted and answers with the job id and type', async () => {
  const { jobStatus } = await jobs.scheduleTwinUpdate(jobId, deviceIdIn(ids), patch);
  assert.equal(jobStatus.jobId, jobId);
  assert.equal(jobStatus.type, 'scheduleUpdateTwin');
  assert.ok(['queued', 'scheduled', 'running', 'completed'].includes(jobStatus.status), `status ${jobStatus.status}`);
});

test('a twin job reaches completed with exact statistics', { timeout: 180_000 }, async () => {
  const job = await waitForJobEnd(jobs, jobId);
  await assertCompletedWithExactStatistics(reg, jobs, job, ids.length);
  assert.equal(job.updateTwin?.etag, '*');
  assert.equal(job.updateTwin?.tags?.jobMarker, marker);
});

test('every targeted twin carries the tags and desired properties of the job, and only those', async () => {
  for (const id of ids) {
    const { responseBody: twin } = await reg.getTwin(id);
    assert.equal(twin.tags?.jobMarker, marker, `twin ${id} tags ${JSON.stringify(twin.tags)}`);
    assert.deepEqual(twin.tags.site, { floor: 7 });
    assert.equal(twin.properties?.desired?.firmware, '2.1.0', `twin ${id} desired ${JSON.stringify(twin.properties?.desired)}`);
  }
  const { responseBody: untouched } = await reg.getTwin(bystander);
  assert.equal(untouched.tags?.jobMarker, undefined, 'a device outside the query condition was updated');
});

test('a twin query finds exactly the devices the twin job tagged', async () => {
  const query = reg.createQuery(`SELECT * FROM devices WHERE tags.jobMarker = '${marker}'`, 3);
  const seen = (await allPages(query)).flat().map((t) => t.deviceId).sort();
  assert.deepEqual(seen, [...ids].sort());
});

test('devices.jobs records of a twin job are completed', async () => {
  const query = reg.createQuery(`SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '${jobId}'`);
  const records = (await allPages(query)).flat();
  assert.deepEqual(records.map((r) => r.deviceId).sort(), [...ids].sort());
  for (const record of records) {
    assert.equal(record.jobType, 'scheduleUpdateTwin');
    assert.equal(record.status, 'completed', `record ${JSON.stringify(record)}`);
  }
});
