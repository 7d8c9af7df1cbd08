using IotHubJobs.Contracts.Devices;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.IotHubErrors;

namespace Executor.Twins;

/// <summary>
/// What one chunk of a twin job produced: a result per claimed device, the desired changes to tell devices, and — for a
/// job that waits for acknowledgement — the devices updated whose reported properties do not show the change yet (their
/// result comes when they report it, or when the acknowledgement times out).
/// </summary>
public sealed record TwinJobOutcome(IReadOnlyList<DeviceJobResult> Results, IReadOnlyList<DeviceDesiredProperties> DesiredChanges,
    IReadOnlyList<string> AwaitingAcknowledgement)
{
    public static TwinJobOutcome AllFailed(IEnumerable<string> deviceIds, DeviceOperationError error, DateTimeOffset startedAt, DateTimeOffset endedAt) =>
        new(deviceIds.Select(id => Failed(id, error, startedAt, endedAt)).ToList(), [], []);

    public static DeviceJobResult Succeeded(string deviceId, DateTimeOffset startedAt, DateTimeOffset endedAt) =>
        new(deviceId, true, startedAt, endedAt, MethodStatus: null, MethodPayloadJson: null, ErrorCode: null, ErrorDescription: null);

    public static DeviceJobResult Failed(string deviceId, DeviceOperationError error, DateTimeOffset startedAt, DateTimeOffset endedAt) =>
        new(deviceId, false, startedAt, endedAt, null, null, error.Code, error.Description);
}
