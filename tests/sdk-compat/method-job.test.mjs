// A scheduleDeviceMethod job run to completion through JobClient, and its devices.jobs records.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  registry, jobClient, uniqueId, deviceIds, addSimulatedDevices, removeDevices, deviceIdIn, waitForJobEnd, allPages,
  assertCompletedWithExactStatistics,
} from './support/hub.mjs';

const reg = registry();
const jobs = jobClient();
const ids = deviceIds('mjob', 5);
const jobId = uniqueId('method-job');

before(() => addSimulatedDevices(reg, ids));
after(() => removeDevices(reg, ids));

test('scheduleDeviceMethod (reboot) is accepted and answers with the job id, type and a queued status', async () => {
  const { jobStatus } = await jobs.scheduleDeviceMethod(
    jobId, deviceIdIn(ids), { methodName: 'reboot', payload: { delay: 0 }, responseTimeoutInSeconds: 30 });
  assert.equal(jobStatus.jobId, jobId);
  assert.equal(jobStatus.type, 'scheduleDeviceMethod');
  assert.ok(['queued', 'scheduled', 'running', 'completed'].includes(jobStatus.status), `status ${jobStatus.status}`);
});

test('a method job reaches completed with exact statistics', { timeout: 180_000 }, async () => {
  const job = await waitForJobEnd(jobs, jobId);
  await assertCompletedWithExactStatistics(reg, jobs, job, ids.length);
});

test('getJob echoes the request of a finished method job', async () => {
  const { jobStatus: job } = await jobs.getJob(jobId);
  assert.equal(job.jobId, jobId);
  assert.equal(job.type, 'scheduleDeviceMethod');
  assert.equal(job.queryCondition, deviceIdIn(ids));
  assert.equal(job.cloudToDeviceMethod?.methodName, 'reboot');
  assert.equal(job.cloudToDeviceMethod?.responseTimeoutInSeconds, 30);
  for (const field of ['createdTime', 'startTime', 'endTime']) {
    assert.ok(!Number.isNaN(Date.parse(job[field])), `${field} is not a date: ${job[field]}`);
  }
  assert.ok(Date.parse(job.endTime) >= Date.parse(job.startTime), 'endTime before startTime');
});

test('devices.jobs has one completed record with method status 200 per device', async () => {
  await waitForJobEnd(jobs, jobId);
  const query = reg.createQuery(`SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '${jobId}'`);
  const records = (await allPages(query)).flat();
  assert.deepEqual(records.map((r) => r.deviceId).sort(), [...ids].sort(), 'one record per device');
  for (const record of records) {
    assert.equal(record.jobId, jobId);
    assert.equal(record.jobType, 'scheduleDeviceMethod');
    assert.equal(record.status, 'completed', `record ${JSON.stringify(record)}`);
    assert.equal(record.outcome?.deviceMethodResponse?.status, 200, `record ${JSON.stringify(record)}`);
  }
});

test('devices.jobs can be read in pages of 2', async () => {
  await waitForJobEnd(jobs, jobId);
  const query = reg.createQuery(`SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '${jobId}'`, 2);
  const pages = await allPages(query);
  assert.deepEqual(pages.map((p) => p.length), [2, 2, 1]);
  assert.deepEqual(pages.flat().map((r) => r.deviceId).sort(), [...ids].sort());
});

test('three method jobs started together each reach completed with exact statistics', { timeout: 180_000 }, async () => {
  const groups = [deviceIds('mjob-a', 3), deviceIds('mjob-b', 4), deviceIds('mjob-c', 2)];
  await addSimulatedDevices(reg, groups.flat());
  try {
    const jobIds = groups.map((_, i) => uniqueId(`parallel-${i}`));
    await Promise.all(groups.map((group, i) => jobs.scheduleDeviceMethod(
      jobIds[i], deviceIdIn(group), { methodName: 'reboot', payload: {}, responseTimeoutInSeconds: 30 })));
    const ended = await Promise.all(jobIds.map((id) => waitForJobEnd(jobs, id)));
    for (const [i, job] of ended.entries()) await assertCompletedWithExactStatistics(reg, jobs, job, groups[i].length);
  } finally {
    await removeDevices(reg, groups.flat());
  }
});
