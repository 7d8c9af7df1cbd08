// Twin jobs (JobClient.scheduleTwinUpdate) over real devices on Mqtt and MqttWs: the desired patch reaches every
// device's twin.on('properties.desired…') handler, and what the devices report (twin.properties.reported.update)
// appears in the service's twin.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  registry, jobClient, uniqueId, deviceIds, removeDevices, deviceIdIn, waitForJobEnd, eventually, assertCompletedWithExactStatistics,
} from './support/hub.mjs';
import { TRANSPORTS, createDevice, deviceConnectionString, openDevice, closeQuietly, reportProperties } from './support/devices.mjs';

const reg = registry();
const jobs = jobClient();

for (const transport of Object.keys(TRANSPORTS)) {
  describe(`a twin job over 5 devices on ${transport}`, () => {
    const ids = deviceIds(`dtj-${transport.toLowerCase()}`, 5);
    const jobId = uniqueId(`device-twin-job-${transport.toLowerCase()}`);
    const firmware = uniqueId('fw');
    const devices = [];

    before(async () => {
      for (const id of ids) {
        const registered = await createDevice(reg, id);
        const device = await openDevice(deviceConnectionString(registered, transport), transport);
        // What a device does with a desired change: apply it, then report it back.
        device.changes = [];
        device.twin.on('properties.desired.firmware', (firmware) => {
          device.changes.push(firmware);
          reportProperties(device.twin, { firmware: firmware.version, appliedBy: id }).catch((err) => device.errors.push(err));
        });
        // The listener subscribes to desired changes without a completion signal; a twin read on the same connection
        // is answered only after the hub handled that SUBSCRIBE (see openDevice).
        await device.twin.get();
        devices.push(device);
      }
    });
    after(async () => {
      await Promise.all(devices.map((d) => closeQuietly(d.client)));
      await removeDevices(reg, ids);
    });

    test('reaches every device\'s desired-properties handler, and the devices\' reports reach the service twin', { timeout: 180_000 }, async () => {
      const patch = { etag: '*', properties: { desired: { firmware: { version: firmware, channel: 'stable' } } } };
      await jobs.scheduleTwinUpdate(jobId, deviceIdIn(ids), patch);
      const job = await waitForJobEnd(jobs, jobId);
      await assertCompletedWithExactStatistics(reg, jobs, job, ids.length);

      for (const device of devices) {
        await eventually(async () => ({ done: device.changes.some((f) => f.version === firmware), value: device.changes }),
          { timeoutMs: 30_000, what: 'the desired change at the device' });
        assert.equal(device.twin.properties.desired.firmware.version, firmware);
        assert.equal(device.twin.properties.desired.firmware.channel, 'stable');
      }
      for (const id of ids) {
        const reported = await eventually(async () => {
          const { responseBody: twin } = await reg.getTwin(id);
          return { done: twin.properties?.reported?.firmware === firmware, value: twin.properties?.reported };
        }, { timeoutMs: 30_000, what: `${id}'s reported firmware in the service twin` });
        assert.equal(reported.appliedBy, id);
      }
      for (const device of devices) assert.deepEqual(device.errors, [], `device client errors: ${device.errors.join('; ')}`);
    });
  });
}
