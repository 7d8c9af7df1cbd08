// Real devices for the SDK compatibility tests: the official Node device SDK (`azure-iot-device` with the MQTT transports
// of `azure-iot-device-mqtt`, unmodified) connecting to the hub's device gateway (docs/devices.md). Only public API.
import deviceSdk from 'azure-iot-device';
import deviceMqtt from 'azure-iot-device-mqtt';
import { ConnectionString, connectionString } from './hub.mjs';

export const { Client: DeviceClient, SharedAccessSignature: DeviceSharedAccessSignature } = deviceSdk;

/** The two MQTT transports of the device SDK: MQTT over TLS (port 8883) and MQTT over WebSocket (wss on 443). */
export const TRANSPORTS = { Mqtt: deviceMqtt.Mqtt, MqttWs: deviceMqtt.MqttWs };

/** The hub's host name as devices use it, taken from the service connection string (`localhost` in the suite). */
export function hubHost() {
  return ConnectionString.parse(connectionString()).HostName;
}

/**
 * The host part of a device connection string for a transport. `MqttWs` always dials `wss://{host}:443`, so it needs
 * the bare host. `Mqtt` dials 8883 unless the host carries a port: the suite's hub serves MQTT on 8883 as IoT Hub does
 * (run-suite.sh), and only when it was moved (SDK_COMPAT_MQTT_PORT) does the Mqtt transport get `host:port`, which the
 * gateway accepts in the user name and token as well (docs/devices.md, "Protocol").
 */
export function deviceHost(transport) {
  const port = Number(process.env.HUB_MQTT_PORT || 8883);
  return transport === 'Mqtt' && port !== 8883 ? `${hubHost()}:${port}` : hubHost();
}

/** `HostName=…;DeviceId=…;SharedAccessKey=…` from a device as the registry returned it (Registry.create / get). */
export function deviceConnectionString(device, transport, key = device.authentication.symmetricKey.primaryKey) {
  return `HostName=${deviceHost(transport)};DeviceId=${device.deviceId};SharedAccessKey=${key}`;
}

/** Registers a device with Registry.create (the hub generates its keys) and returns it as the registry answered. */
export async function createDevice(reg, deviceId, status = 'enabled') {
  const { responseBody } = await reg.create({ deviceId, status });
  return responseBody;
}

/**
 * A device client on one transport, opened. `methods` maps method names to handlers `(request) => [status, payload]`;
 * they are registered with onDeviceMethod, and the twin is read afterwards: the Node SDK subscribes lazily and gives no
 * signal when the methods subscription is done, but it writes the SUBSCRIBE before the twin GET on the same connection,
 * so once getTwin answered, the hub has the subscription and a call cannot find the device unsubscribed.
 */
export async function openDevice(connection, transport, { methods = {} } = {}) {
  const client = DeviceClient.fromConnectionString(connection, TRANSPORTS[transport]);
  const received = [];
  const errors = [];
  client.on('error', (err) => errors.push(err)); // an 'error' event without a listener would end the test process
  try {
    await client.open();
    for (const [name, handler] of Object.entries(methods)) {
      client.onDeviceMethod(name, (request, response) => {
        received.push({ methodName: request.methodName, payload: request.payload });
        const [status, payload] = handler(request);
        response.send(status, payload).catch(() => { /* the call's outcome shows whether the answer arrived */ });
      });
    }
    const twin = await client.getTwin();
    return { client, twin, received, errors };
  } catch (err) {
    await closeQuietly(client);
    throw err;
  }
}

/** Closes a device client; never fails a test (clean-up only). */
export async function closeQuietly(client) {
  try { await client.close(); } catch { /* clean-up only */ }
}

/** twin.properties.reported.update as a promise. */
export function reportProperties(twin, patch) {
  return new Promise((resolve, reject) => twin.properties.reported.update(patch, (err) => (err ? reject(err) : resolve())));
}
