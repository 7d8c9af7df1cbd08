// Listing jobs through JobClient.createQuery (GET /jobs/v2/query with jobType / jobStatus filters).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  registry, jobClient, uniqueId, deviceIds, addSimulatedDevices, removeDevices, deviceIdIn, waitForJobEnd, allPages,
  eventually,
} from './support/hub.mjs';

const reg = registry();
const jobs = jobClient();
const ids = deviceIds('listing', 2);
const jobId = uniqueId('listed-job');
const PAGE = 3;

before(async () => {
  await addSimulatedDevices(reg, ids);
  await jobs.scheduleDeviceMethod(jobId, deviceIdIn(ids), { methodName: 'reboot', payload: {}, responseTimeoutInSeconds: 30 });
});
after(() => removeDevices(reg, ids));

/** Every job of a listing, read page by page; checks that no page exceeds the page size. */
async function listAll(type, status, pageSize) {
  const pages = await allPages(jobs.createQuery(type, status, pageSize));
  for (const page of pages) assert.ok(page.length <= pageSize, `a page of ${page.length} items exceeds ${pageSize}`);
  return pages.flat();
}

test('the listed method job first reaches completed', { timeout: 180_000 }, async () => {
  const job = await waitForJobEnd(jobs, jobId);
  assert.equal(job.status, 'completed', `job ended ${JSON.stringify(job)}`);
});

test('createQuery(scheduleDeviceMethod, completed, pageSize) finds the job, and only completed method jobs', { timeout: 120_000 }, async () => {
  const listed = await eventually(async () => {
    const all = await listAll('scheduleDeviceMethod', 'completed', PAGE);
    return { done: all.some((j) => j.jobId === jobId), value: all };
  }, { what: `job ${jobId} in the completed method-job listing` });
  for (const job of listed) {
    assert.equal(job.type, 'scheduleDeviceMethod', `filter leak: ${JSON.stringify(job)}`);
    assert.equal(job.status, 'completed', `filter leak: ${JSON.stringify(job)}`);
  }
  assert.equal(listed.filter((j) => j.jobId === jobId).length, 1, 'the job is listed exactly once');
  const mine = listed.find((j) => j.jobId === jobId);
  assert.equal(mine.queryCondition, deviceIdIn(ids));
  assert.equal(mine.deviceJobStatistics?.succeededCount, ids.length, `listed statistics ${JSON.stringify(mine.deviceJobStatistics)}`);
});

test('the job is not listed under another type or another status', async () => {
  const twinJobs = await listAll('scheduleUpdateTwin', undefined, 50);
  assert.ok(!twinJobs.some((j) => j.jobId === jobId), 'a method job is listed as scheduleUpdateTwin');
  assert.ok(twinJobs.every((j) => j.type === 'scheduleUpdateTwin'));
  const cancelled = await listAll(undefined, 'cancelled', 50);
  assert.ok(!cancelled.some((j) => j.jobId === jobId), 'a completed job is listed as cancelled');
  assert.ok(cancelled.every((j) => j.status === 'cancelled'));
});

test('an unfiltered listing includes the job', async () => {
  const all = await listAll(undefined, undefined, 50);
  assert.ok(all.some((j) => j.jobId === jobId));
});
