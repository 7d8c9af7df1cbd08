// A real device (azure-iot-device over Mqtt and MqttWs) answers a direct method invoked with Client.invokeDeviceMethod.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { registry, serviceClient, deviceIds, removeDevices } from './support/hub.mjs';
import { TRANSPORTS, createDevice, deviceConnectionString, hubHost, openDevice, closeQuietly } from './support/devices.mjs';

const reg = registry();
const service = serviceClient();

for (const transport of Object.keys(TRANSPORTS)) {
  describe(`a device on ${transport}`, () => {
    const [deviceId] = deviceIds(`dm-${transport.toLowerCase()}`, 1);
    let device;

    before(async () => {
      const registered = await createDevice(reg, deviceId);
      device = await openDevice(deviceConnectionString(registered, transport), transport, {
        methods: {
          reboot: (request) => [200, { rebooted: true, deviceId, got: request.payload }],
          fail: () => [501, { reason: 'not here' }],
        },
      });
    });
    after(async () => {
      if (device) await closeQuietly(device.client);
      await removeDevices(reg, [deviceId]);
    });

    test('connects with its device connection string and answers invokeDeviceMethod with its status and payload', { timeout: 60_000 }, async () => {
      const payload = { delay: 5, nested: { list: [1, 2, 3] } };
      const { result } = await service.invokeDeviceMethod(deviceId, { methodName: 'reboot', payload, responseTimeoutInSeconds: 30 });
      assert.deepEqual(result, { status: 200, payload: { rebooted: true, deviceId, got: payload } });
      assert.deepEqual(device.received.at(-1), { methodName: 'reboot', payload });
    });

    test('a status other than 200 chosen by the device reaches the caller unchanged', { timeout: 60_000 }, async () => {
      const { result } = await service.invokeDeviceMethod(deviceId, { methodName: 'fail', payload: null, responseTimeoutInSeconds: 30 });
      assert.deepEqual(result, { status: 501, payload: { reason: 'not here' } });
      assert.deepEqual(device.errors, [], `device client errors: ${device.errors.join('; ')}`);
    });
  });
}

describe('a device on Mqtt whose connection string names the MQTT port (HostName=host:port)', () => {
  const [deviceId] = deviceIds('dm-port', 1);
  let device;
  after(async () => {
    if (device) await closeQuietly(device.client);
    await removeDevices(reg, [deviceId]);
  });

  test('connects (host:port in its user name and token) and answers invokeDeviceMethod', { timeout: 60_000 }, async () => {
    const registered = await createDevice(reg, deviceId);
    const key = registered.authentication.symmetricKey.primaryKey;
    const connection = `HostName=${hubHost()}:${process.env.HUB_MQTT_PORT || 8883};DeviceId=${deviceId};SharedAccessKey=${key}`;
    device = await openDevice(connection, 'Mqtt', { methods: { reboot: () => [200, { port: 'named' }] } });
    const { result } = await service.invokeDeviceMethod(deviceId, { methodName: 'reboot', payload: {}, responseTimeoutInSeconds: 30 });
    assert.deepEqual(result, { status: 200, payload: { port: 'named' } });
  });
});
