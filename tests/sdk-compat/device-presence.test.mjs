// connectionState follows a real device's connection (Registry.getTwin and Registry.get), over Mqtt and MqttWs.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { registry, deviceIds, removeDevices, eventually } from './support/hub.mjs';
import { TRANSPORTS, createDevice, deviceConnectionString, openDevice, closeQuietly } from './support/devices.mjs';

const reg = registry();

for (const transport of Object.keys(TRANSPORTS)) {
  describe(`a device on ${transport}`, () => {
    const [deviceId] = deviceIds(`dp-${transport.toLowerCase()}`, 1);
    after(() => removeDevices(reg, [deviceId]));

    const state = async () => {
      const { responseBody: twin } = await reg.getTwin(deviceId);
      const { responseBody: identity } = await reg.get(deviceId);
      return { twin: twin.connectionState, identity: identity.connectionState };
    };
    const becomes = (expected) => eventually(async () => {
      const seen = await state();
      return { done: seen.twin === expected && seen.identity === expected, value: seen };
    }, { timeoutMs: 30_000, what: `connectionState ${expected} in the twin and the identity` });

    test('is Disconnected before it connects, Connected while connected and Disconnected after close', { timeout: 90_000 }, async () => {
      const registered = await createDevice(reg, deviceId);
      assert.deepEqual(await state(), { twin: 'Disconnected', identity: 'Disconnected' });

      const device = await openDevice(deviceConnectionString(registered, transport), transport);
      try {
        await becomes('Connected');
        const { responseBody: identity } = await reg.get(deviceId);
        assert.ok(Date.parse(identity.connectionStateUpdatedTime) > Date.parse('2000-01-01T00:00:00Z'),
          `connectionStateUpdatedTime ${identity.connectionStateUpdatedTime}`);
      } finally {
        await closeQuietly(device.client);
      }
      await becomes('Disconnected');
    });
  });
}
