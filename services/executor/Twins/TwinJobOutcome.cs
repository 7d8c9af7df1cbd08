using IotHubJobs.Contracts.Devices;
using IotHubJobs.Contracts.Jobs;

namespace Executor.Twins;

/// <summary>What one chunk of a twin job produced: a result per claimed device, and the desired changes to tell devices.</summary>
public sealed record TwinJobOutcome(IReadOnlyList<DeviceJobResult> Results, IReadOnlyList<DeviceDesiredProperties> DesiredChanges)
{
    public static TwinJobOutcome AllFailed(IEnumerable<string> deviceIds, string code, string description, DateTimeOffset startedAt, DateTimeOffset endedAt) =>
        new(deviceIds.Select(id => Failed(id, code, description, startedAt, endedAt)).ToList(), []);

    public static DeviceJobResult Succeeded(string deviceId, DateTimeOffset startedAt, DateTimeOffset endedAt) =>
        new(deviceId, true, startedAt, endedAt, MethodStatus: null, MethodPayloadJson: null, ErrorCode: null, ErrorDescription: null);

    public static DeviceJobResult Failed(string deviceId, string code, string description, DateTimeOffset startedAt, DateTimeOffset endedAt) =>
        new(deviceId, false, startedAt, endedAt, null, null, code, description);
}
