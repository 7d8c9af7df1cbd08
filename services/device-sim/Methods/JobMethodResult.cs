using IotHubJobs.Contracts.Devices;
using IotHubJobs.Contracts.Jobs;

namespace DeviceSim.Methods;

/// <summary>A call's outcome as the device's result in its job, with IoT Hub's error codes and texts (docs/jobs.md).</summary>
public static class JobMethodResult
{
    public static DeviceJobResult From(DeviceMethodOutcome outcome, DateTimeOffset startedAt, DateTimeOffset endedAt) => outcome.Kind switch
    {
        DeviceMethodOutcomeKind.Responded => new(outcome.DeviceId, true, startedAt, endedAt, outcome.Status, outcome.PayloadJson, null, null),
        DeviceMethodOutcomeKind.ResponseTimedOut => Failed(outcome, startedAt, endedAt, "GatewayTimeout", "Timed out waiting for the response from device."),
        DeviceMethodOutcomeKind.DeviceNotOnline => Failed(outcome, startedAt, endedAt, "DeviceNotOnline", "Timed out waiting for device to connect."),
        _ => Failed(outcome, startedAt, endedAt, "DeviceOperationOutcomeUnknown",
            "The answer of the device was lost in a fault; the method may or may not have run on the device, and it is not invoked again."),
    };

    private static DeviceJobResult Failed(DeviceMethodOutcome outcome, DateTimeOffset startedAt, DateTimeOffset endedAt, string code, string description) =>
        new(outcome.DeviceId, false, startedAt, endedAt, null, null, code, description);
}
