// Device twins through Registry.getTwin / Twin.update / Registry.updateTwin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { registry, deviceIds, addDevices, removeDevices, sdkError } from './support/hub.mjs';

const reg = registry();
const [deviceA, deviceB] = deviceIds('twin', 2);
before(() => addDevices(reg, [deviceA, deviceB]));
after(() => removeDevices(reg, [deviceA, deviceB]));

test('Registry.getTwin returns the twin of a new device with an etag and empty tags', async () => {
  const { responseBody: twin } = await reg.getTwin(deviceA);
  assert.equal(twin.deviceId, deviceA);
  assert.ok(twin.etag, 'twin has no etag');
  assert.deepEqual(twin.tags ?? {}, {});
  assert.ok(twin.properties?.desired, 'twin has no properties.desired');
});

test('Twin.update with the twin etag sets tags and desired properties, and getTwin reads them back', async () => {
  const { responseBody: twin } = await reg.getTwin(deviceA);
  const etagBefore = twin.etag;
  const patch = { tags: { building: '43', floor: 3 }, properties: { desired: { telemetryInterval: 30 } } };
  const { result: updated } = await twin.update(patch); // Twin.update resolves { result, message }
  assert.equal(updated.tags.building, '43');
  assert.equal(updated.tags.floor, 3);
  assert.notEqual(updated.etag, etagBefore, 'the etag must change with the update');

  const { responseBody: reread } = await reg.getTwin(deviceA);
  assert.equal(reread.tags.building, '43');
  assert.equal(reread.tags.floor, 3);
  assert.equal(reread.properties.desired.telemetryInterval, 30);
  assert.equal(reread.etag, updated.etag);
});

test('Registry.updateTwin merges a tag patch with the current etag and null removes a tag', async () => {
  const { responseBody: first } = await reg.updateTwin(deviceB, { tags: { a: 'x', b: 'y' } }, '*');
  const { responseBody: second } = await reg.updateTwin(deviceB, { tags: { b: null, c: { nested: true } } }, first.etag);
  assert.deepEqual(second.tags, { a: 'x', c: { nested: true } });

  const { responseBody: reread } = await reg.getTwin(deviceB);
  assert.deepEqual(reread.tags, { a: 'x', c: { nested: true } });
});

test('Registry.updateTwin with a stale etag fails with InvalidEtagError and changes nothing', async () => {
  const { responseBody: before } = await reg.getTwin(deviceB);
  await reg.updateTwin(deviceB, { tags: { stale: 'first' } }, before.etag);
  await assert.rejects(
    reg.updateTwin(deviceB, { tags: { stale: 'second' } }, before.etag),
    sdkError('InvalidEtagError', 412),
  );
  const { responseBody: reread } = await reg.getTwin(deviceB);
  assert.equal(reread.tags.stale, 'first');
});

test('Registry.getTwin of an unknown device fails with DeviceNotFoundError', async () => {
  await assert.rejects(reg.getTwin(`${deviceA}-missing`), sdkError('DeviceNotFoundError', 404));
});
