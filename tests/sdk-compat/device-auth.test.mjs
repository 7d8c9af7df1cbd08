// The device gateway refuses what IoT Hub refuses: a wrong key, an expired token and a disabled device all end
// client.open() with UnauthorizedError, over Mqtt and MqttWs.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { registry, deviceIds, removeDevices, sdkError } from './support/hub.mjs';
import {
  TRANSPORTS, DeviceClient, DeviceSharedAccessSignature, createDevice, deviceConnectionString, deviceHost, openDevice, closeQuietly,
} from './support/devices.mjs';

const reg = registry();
const nowSeconds = () => Math.floor(Date.now() / 1000);

async function assertOpenRefused(client) {
  try {
    await assert.rejects(client.open(), sdkError('UnauthorizedError'));
  } finally {
    await closeQuietly(client);
  }
}

for (const transport of Object.keys(TRANSPORTS)) {
  describe(`a device on ${transport}`, () => {
    const [enabledId, disabledId] = deviceIds(`da-${transport.toLowerCase()}`, 2);
    let enabled;
    let disabled;

    before(async () => {
      enabled = await createDevice(reg, enabledId);
      disabled = await createDevice(reg, disabledId, 'disabled');
    });
    after(() => removeDevices(reg, [enabledId, disabledId]));

    test('with a valid key connects (control)', { timeout: 60_000 }, async () => {
      const device = await openDevice(deviceConnectionString(enabled, transport), transport);
      await closeQuietly(device.client);
    });

    test('with a wrong key is refused with UnauthorizedError', { timeout: 60_000 }, async () => {
      const wrong = deviceConnectionString(enabled, transport, randomBytes(32).toString('base64'));
      await assertOpenRefused(DeviceClient.fromConnectionString(wrong, TRANSPORTS[transport]));
    });

    test('with a token that expired an hour ago (fromSharedAccessSignature) is refused with UnauthorizedError', { timeout: 60_000 }, async () => {
      const expired = DeviceSharedAccessSignature.create(deviceHost(transport), enabledId,
        enabled.authentication.symmetricKey.primaryKey, nowSeconds() - 3600).toString();
      await assertOpenRefused(DeviceClient.fromSharedAccessSignature(expired, TRANSPORTS[transport]));
    });

    test('with a token of the right key that expires later is accepted (control)', { timeout: 60_000 }, async () => {
      const valid = DeviceSharedAccessSignature.create(deviceHost(transport), enabledId,
        enabled.authentication.symmetricKey.primaryKey, nowSeconds() + 3600).toString();
      const client = DeviceClient.fromSharedAccessSignature(valid, TRANSPORTS[transport]);
      try {
        await client.open();
      } finally {
        await closeQuietly(client);
      }
    });

    test('that is disabled is refused with UnauthorizedError', { timeout: 60_000 }, async () => {
      await assertOpenRefused(DeviceClient.fromConnectionString(deviceConnectionString(disabled, transport), TRANSPORTS[transport]));
    });
  });
}
