// Device identity registry through Registry: bulk create, get, delete.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { registry, deviceIds, addDevices, removeDevices, sdkError } from './support/hub.mjs';

const reg = registry();
const ids = deviceIds('reg', 20);
after(() => removeDevices(reg, ids));

test('Registry.addDevices creates 20 devices in one bulk call', async () => {
  const { responseBody } = await reg.addDevices(ids.map((deviceId) => ({ deviceId, status: 'enabled' })));
  assert.equal(responseBody.isSuccessful, true, `bulk response: ${JSON.stringify(responseBody)}`);
  assert.deepEqual(responseBody.errors ?? [], []);
});

test('Registry.get returns each bulk-created device with generated SAS keys', async () => {
  for (const id of ids) {
    const { responseBody: device } = await reg.get(id);
    assert.equal(device.deviceId, id);
    assert.equal(device.status, 'enabled');
    assert.equal(device.authentication.type, 'sas');
    assert.ok(device.authentication.symmetricKey.primaryKey, `device ${id} has no primary key`);
    assert.ok(device.authentication.symmetricKey.secondaryKey, `device ${id} has no secondary key`);
    assert.ok(device.etag, `device ${id} has no etag`);
  }
});

test('Registry.addDevices refuses a device id that already exists', async () => {
  const err = await reg.addDevices([{ deviceId: ids[0] }]).then(
    ({ responseBody }) => responseBody,
    (e) => e,
  );
  // either an HTTP error or a bulk result with isSuccessful=false naming the device
  if (err instanceof Error) {
    assert.equal(err.response?.statusCode, 400, `${err.name}: ${err.message}`);
  } else {
    assert.equal(err.isSuccessful, false, `bulk response: ${JSON.stringify(err)}`);
    assert.ok(err.errors.some((e) => e.deviceId === ids[0]), `bulk errors: ${JSON.stringify(err.errors)}`);
  }
});

test('Registry.delete removes a device and Registry.get then fails with DeviceNotFoundError', async () => {
  const victim = ids[ids.length - 1];
  await reg.delete(victim);
  await assert.rejects(reg.get(victim), sdkError('DeviceNotFoundError', 404));
  // the other devices are untouched
  const { responseBody } = await reg.get(ids[0]);
  assert.equal(responseBody.deviceId, ids[0]);
});

test('Registry.get of a never-created device fails with DeviceNotFoundError', async () => {
  await assert.rejects(reg.get(`${ids[0]}-missing`), sdkError('DeviceNotFoundError', 404));
});
