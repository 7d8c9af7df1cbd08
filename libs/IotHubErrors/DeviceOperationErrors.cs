namespace IotHubJobs.IotHubErrors;

/// <summary>A failed device operation as a device job's <c>error</c> holds it: the code's name and a description.</summary>
public sealed record DeviceOperationError(string Code, string Description);

/// <summary>
/// The codes and texts of failed device operations, in one place for the device layer (device-sim), the executors and
/// jobs-api, so a failure reads the same in a direct method's answer and in a device job's error (docs/iothub-api.md,
/// "Direct methods" and "Device jobs"; when each happens: docs/jobs.md, "Edges").
/// </summary>
public static class DeviceOperationErrors
{
    /// <summary>The call provably never reached the device: it did not connect in time. IoT Hub's code and text.</summary>
    public static readonly DeviceOperationError DeviceNotOnline =
        new(IotHubError.DeviceNotOnline.Code, "Timed out waiting for device to connect.");

    /// <summary>The call reached the device, which did not answer in time. IoT Hub's code and text.</summary>
    public static readonly DeviceOperationError GatewayTimeout =
        new(IotHubError.GatewayTimeout.Code, "Timed out waiting for the response from device.");

    /// <summary>Ours: the answer to a direct method was lost in a fault, so nobody knows whether it ran.</summary>
    public static readonly DeviceOperationError OutcomeUnknown = new(IotHubError.DeviceOperationOutcomeUnknown.Code,
        "The answer of the device was lost in a fault; the method may or may not have run on the device.");

    /// <summary>Ours: the answer to a job's method was lost in a fault; the device job fails instead of calling again.</summary>
    public static readonly DeviceOperationError JobOutcomeUnknown = new(IotHubError.DeviceOperationOutcomeUnknown.Code,
        "The answer of the device was lost in a fault; the method may or may not have run on the device, and it is not invoked again.");

    /// <summary>Ours: whoever claimed the device job (a device's holder, an executor) stopped before it could report.</summary>
    public static readonly DeviceOperationError ClaimExpired = new(IotHubError.DeviceOperationOutcomeUnknown.Code,
        "Whoever handled this device stopped, or could not report, before its claim expired; the operation may or may not have run on the device, and it is not run again.");

    /// <summary>
    /// Ours: an acknowledged twin job's device did not report the desired values within the rollout's
    /// <c>acknowledgement.timeoutInSeconds</c> (docs/rollouts.md); its failure type is <c>timedOut</c>.
    /// </summary>
    public static readonly DeviceOperationError AcknowledgementTimeout = new("AcknowledgementTimeout",
        "The device did not report the desired properties it was sent within the rollout's acknowledgement.timeoutInSeconds.");

    /// <summary>Ours: the job's <c>maxExecutionTimeInSeconds</c> ran out before the device job finished.</summary>
    public static readonly DeviceOperationError JobTimeout =
        new("JobTimeout", "The job reached its maxExecutionTimeInSeconds before this device job finished.");

    /// <summary>A twin job's update could not be stored (the database failed on every attempt); nothing was applied.</summary>
    public static readonly DeviceOperationError TwinUpdateNotSaved =
        new(IotHubError.ServerError.Code, "The twin update could not be saved and was not applied.");

    /// <summary>A twin job's patch breaks a twin rule on this device (docs/iothub-api.md, "Device twins").</summary>
    public static DeviceOperationError Invalid(string problem) => new(IotHubError.ArgumentInvalid.Code, problem);

    /// <summary>No device has this id (any more); the id is shown as far as a valid one can be long.</summary>
    public static DeviceOperationError DeviceNotFound(string deviceId) =>
        new(IotHubError.DeviceNotFound.Code, $"Device '{ClientText.Shorten(deviceId, 128, marker: "")}' is not registered.");
}
