// Method jobs (JobClient.scheduleDeviceMethod) over real devices on Mqtt and MqttWs: every device's own answer ends up
// in devices.jobs, and a device that connects while its call waits (connectTimeoutInSeconds) still gets it.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  registry, jobClient, serviceClient, uniqueId, deviceIds, removeDevices, deviceIdIn, waitForJobEnd, allPages, eventually,
  assertCompletedWithExactStatistics, sleep, putJobDirectly,
} from './support/hub.mjs';
import { TRANSPORTS, createDevice, deviceConnectionString, openDevice, closeQuietly } from './support/devices.mjs';

const reg = registry();
const jobs = jobClient();
const service = serviceClient();

const answerReboot = (deviceId) => ({ reboot: (request) => [200, { deviceId, rebooted: true, got: request.payload }] });

for (const transport of Object.keys(TRANSPORTS)) {
  describe(`a method job over 10 devices on ${transport}`, () => {
    const ids = deviceIds(`dmj-${transport.toLowerCase()}`, 10);
    const jobId = uniqueId(`device-method-job-${transport.toLowerCase()}`);
    const devices = [];

    before(async () => {
      for (const id of ids) {
        const registered = await createDevice(reg, id);
        devices.push(await openDevice(deviceConnectionString(registered, transport), transport, { methods: answerReboot(id) }));
      }
    });
    after(async () => {
      await Promise.all(devices.map((d) => closeQuietly(d.client)));
      await removeDevices(reg, ids);
    });

    test('completes with exact statistics, and devices.jobs holds each device\'s own answer', { timeout: 180_000 }, async () => {
      await jobs.scheduleDeviceMethod(jobId, deviceIdIn(ids), { methodName: 'reboot', payload: { wave: jobId }, responseTimeoutInSeconds: 30 });
      const job = await waitForJobEnd(jobs, jobId);
      await assertCompletedWithExactStatistics(reg, jobs, job, ids.length);

      const records = (await allPages(reg.createQuery(`SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '${jobId}'`))).flat();
      assert.deepEqual(records.map((r) => r.deviceId).sort(), [...ids].sort(), 'one record per device');
      for (const record of records) {
        assert.equal(record.status, 'completed', `record ${JSON.stringify(record)}`);
        assert.deepEqual(record.outcome?.deviceMethodResponse,
          { status: 200, payload: { deviceId: record.deviceId, rebooted: true, got: { wave: jobId } } }, `record ${JSON.stringify(record)}`);
      }
      for (const device of devices) assert.deepEqual(device.received, [{ methodName: 'reboot', payload: { wave: jobId } }]);
    });
  });

  describe(`a device on ${transport} that connects 3 s after its call started, within connectTimeoutInSeconds 10`, () => {
    const [jobDeviceId, directDeviceId] = deviceIds(`dlate-${transport.toLowerCase()}`, 2);
    const jobId = uniqueId(`device-late-${transport.toLowerCase()}`);
    const opened = [];
    after(async () => {
      await Promise.all(opened.map((d) => closeQuietly(d.client)));
      await removeDevices(reg, [jobDeviceId, directDeviceId]);
    });

    test('gets its call from a method job', { timeout: 120_000 }, async () => {
      const registered = await createDevice(reg, jobDeviceId);
      // JobClient.scheduleDeviceMethod cannot carry connectTimeoutInSeconds (support/hub.mjs, putJobDirectly)
      await putJobDirectly({
        jobId, type: 'scheduleDeviceMethod', queryCondition: deviceIdIn([jobDeviceId]), maxExecutionTimeInSeconds: 300,
        cloudToDeviceMethod: { methodName: 'reboot', payload: { late: true }, responseTimeoutInSeconds: 30, connectTimeoutInSeconds: 10 },
      });
      await eventually(async () => {
        const { jobStatus } = await jobs.getJob(jobId);
        return { done: jobStatus.status === 'running', value: jobStatus.status };
      }, { timeoutMs: 60_000, intervalMs: 100, what: `job ${jobId} to start` });
      await sleep(3000);
      const { jobStatus: waiting } = await jobs.getJob(jobId);
      assert.equal(waiting.status, 'running', 'precondition: the job still waits for the device');

      const device = await openDevice(deviceConnectionString(registered, transport), transport, { methods: answerReboot(jobDeviceId) });
      opened.push(device);
      const job = await waitForJobEnd(jobs, jobId);
      await assertCompletedWithExactStatistics(reg, jobs, job, 1);
      assert.deepEqual(device.received, [{ methodName: 'reboot', payload: { late: true } }]);
    });

    test('gets its call from Client.invokeDeviceMethod', { timeout: 120_000 }, async () => {
      const registered = await createDevice(reg, directDeviceId);
      let answered = false;
      const call = service.invokeDeviceMethod(directDeviceId,
        { methodName: 'reboot', payload: { direct: true }, responseTimeoutInSeconds: 30, connectTimeoutInSeconds: 10 })
        .finally(() => { answered = true; });
      await sleep(3000);
      assert.equal(answered, false, 'precondition: the call still waits for the device');

      const device = await openDevice(deviceConnectionString(registered, transport), transport, { methods: answerReboot(directDeviceId) });
      opened.push(device);
      const { result } = await call;
      assert.deepEqual(result, { status: 200, payload: { deviceId: directDeviceId, rebooted: true, got: { direct: true } } });
      assert.deepEqual(device.received, [{ methodName: 'reboot', payload: { direct: true } }]);
    });
  });
}
