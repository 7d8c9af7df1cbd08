// Direct methods through Client.invokeDeviceMethod (POST /twins/{id}/methods over HTTPS).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serviceClient, registry, deviceIds, addSimulatedDevices, removeDevices } from './support/hub.mjs';

const reg = registry();
const [device] = deviceIds('method', 1);
const client = serviceClient(); // invokeDeviceMethod uses HTTPS only
before(() => addSimulatedDevices(reg, [device]));
after(() => removeDevices(reg, [device]));

test('invokeDeviceMethod reboot answers the device status 200 and its payload', { timeout: 60_000 }, async () => {
  const { result } = await client.invokeDeviceMethod(device, { methodName: 'reboot', payload: {}, responseTimeoutInSeconds: 30 });
  assert.equal(result.status, 200, `result ${JSON.stringify(result)}`);
  assert.equal(result.payload?.rebooted, true, `result ${JSON.stringify(result)}`);
});

test('invokeDeviceMethod echo returns the request payload unchanged', { timeout: 60_000 }, async () => {
  const payload = { text: 'hello', n: 42, nested: { list: [1, 2, 3] } };
  const { result } = await client.invokeDeviceMethod(device, { methodName: 'echo', payload, responseTimeoutInSeconds: 30 });
  assert.equal(result.status, 200);
  assert.deepEqual(result.payload, payload);
});
