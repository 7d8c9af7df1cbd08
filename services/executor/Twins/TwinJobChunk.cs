using IotHubJobs.Registry;
using IotHubJobs.IotHubErrors;
using IotHubJobs.Contracts.Devices;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.DeviceTwins;
using IotHubJobs.ServiceDefaults;

namespace Executor.Twins;

/// <summary>
/// The in-memory part of a twin job chunk: apply the patch to every locked twin and record each device's result. With
/// <paramref name="acknowledged"/>, a device whose reported properties do not show the desired values yet awaits its
/// acknowledgement instead of succeeding now (docs/rollouts.md, "Acknowledged twin jobs").
/// </summary>
public static class TwinJobChunk
{
    public static TwinJobOutcome Apply(LockedTwins twins, string jobId, IReadOnlyList<string> deviceIds, TwinPatch patch,
        DateTimeOffset startedAt, DateTimeOffset now, bool acknowledged = false)
    {
        var results = new List<DeviceJobResult>(deviceIds.Count);
        var desiredChanges = new List<DeviceDesiredProperties>(deviceIds.Count);
        var awaiting = new List<string>();
        foreach (var deviceId in deviceIds)
        {
            if (!twins.TryGet(deviceId, out var twin))
            {
                results.Add(TwinJobOutcome.Failed(deviceId, DeviceOperationErrors.DeviceNotFound(deviceId), startedAt, now));
                continue;
            }
            var edit = TwinEditor.Patch(twin, patch, now);
            if (edit.Error is not null)
            {
                results.Add(TwinJobOutcome.Failed(deviceId, DeviceOperationErrors.Invalid(edit.Error), startedAt, now));
                continue;
            }
            if (edit.Changed) twins.Save(deviceId, edit.Twin);
            if (edit.DesiredChanged)
                desiredChanges.Add(new DeviceDesiredProperties(deviceId, edit.DesiredValues().ToJsonString(), edit.DesiredVersion(), jobId));
            if (acknowledged && !DesiredAcknowledgement.Shows(edit.Twin, patch.Desired)) awaiting.Add(deviceId);
            else results.Add(TwinJobOutcome.Succeeded(deviceId, startedAt, now));
        }
        return new TwinJobOutcome(results, desiredChanges, awaiting);
    }
}
