// SAS authentication as the SDK does it: wrong keys and expired tokens are refused with 401.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  Registry, JobClient, SharedAccessSignature, ConnectionString, connectionString, uniqueId, sdkError, explained,
} from './support/hub.mjs';

const cs = ConnectionString.parse(connectionString());
const forged = `HostName=${cs.HostName};SharedAccessKeyName=${cs.SharedAccessKeyName};SharedAccessKey=${randomBytes(32).toString('base64')}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);
// SharedAccessSignature.create(host, policy, key, expiry) is azure-iot-common's token builder (bundled in azure-iothub)
const token = (expiry, key = cs.SharedAccessKey) => SharedAccessSignature.create(cs.HostName, cs.SharedAccessKeyName, key, expiry).toString();

test('a Registry built from a connection string with a forged key is refused with UnauthorizedError', async () => {
  await assert.rejects(explained(Registry.fromConnectionString(forged)).get(uniqueId('any')), sdkError('UnauthorizedError', 401));
});

test('a JobClient built from a connection string with a forged key is refused with UnauthorizedError', async () => {
  await assert.rejects(explained(JobClient.fromConnectionString(forged)).getJob(uniqueId('any')), sdkError('UnauthorizedError', 401));
});

test('a forged key cannot schedule a job', async () => {
  await assert.rejects(
    explained(JobClient.fromConnectionString(forged)).scheduleDeviceMethod(uniqueId('forged'), '*', { methodName: 'reboot' }),
    sdkError('UnauthorizedError', 401));
});

test('a token made with SharedAccessSignature.create and a valid expiry is accepted (control)', async () => {
  const reg = explained(Registry.fromSharedAccessSignature(token(nowSeconds() + 600)));
  // authenticated: the answer is about the device, not about the token
  await assert.rejects(reg.get(uniqueId('missing')), sdkError('DeviceNotFoundError', 404));
});

test('a token that expired an hour ago is refused with UnauthorizedError', async () => {
  const reg = explained(Registry.fromSharedAccessSignature(token(nowSeconds() - 3600)));
  await assert.rejects(reg.get(uniqueId('missing')), sdkError('UnauthorizedError', 401));
});

test('an expired token is refused on the jobs endpoints too', async () => {
  const jobs = explained(JobClient.fromSharedAccessSignature(token(nowSeconds() - 3600)));
  await assert.rejects(jobs.getJob(uniqueId('any')), sdkError('UnauthorizedError', 401));
});

test('a token for another policy name with the owner key is refused with UnauthorizedError', async () => {
  const other = SharedAccessSignature.create(cs.HostName, 'no-such-policy', cs.SharedAccessKey, nowSeconds() + 600).toString();
  await assert.rejects(explained(Registry.fromSharedAccessSignature(other)).get(uniqueId('any')), sdkError('UnauthorizedError', 401));
});
