using IotHubJobs.Contracts.Devices;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.IotHubErrors;

namespace IotHubJobs.DeviceLayer;

/// <summary>A call's outcome as the device's result in its job, with IoT Hub's error codes and texts (docs/jobs.md).</summary>
public static class JobMethodResult
{
    public static DeviceJobResult From(DeviceMethodOutcome outcome, DateTimeOffset startedAt, DateTimeOffset endedAt) => outcome.Kind switch
    {
        DeviceMethodOutcomeKind.Responded => new(outcome.DeviceId, true, startedAt, endedAt, outcome.Status, outcome.PayloadJson, null, null),
        DeviceMethodOutcomeKind.ResponseTimedOut => Failed(outcome, startedAt, endedAt, DeviceOperationErrors.GatewayTimeout),
        DeviceMethodOutcomeKind.DeviceNotOnline => Failed(outcome, startedAt, endedAt, DeviceOperationErrors.DeviceNotOnline),
        _ => Failed(outcome, startedAt, endedAt, DeviceOperationErrors.JobOutcomeUnknown),
    };

    private static DeviceJobResult Failed(DeviceMethodOutcome outcome, DateTimeOffset startedAt, DateTimeOffset endedAt, DeviceOperationError error) =>
        new(outcome.DeviceId, false, startedAt, endedAt, null, null, error.Code, error.Description);
}
