namespace IotHubJobs.Contracts.Devices;

public enum DeviceMethodOutcomeKind
{
    /// <summary>The device answered; any status it returned counts as an answer.</summary>
    Responded,
    /// <summary>The device was not connected within the connect timeout (IoT Hub 404103).</summary>
    DeviceNotOnline,
    /// <summary>The device did not answer within the response timeout (IoT Hub 504101).</summary>
    ResponseTimedOut,
}

public sealed record DeviceMethodOutcome(string DeviceId, DeviceMethodOutcomeKind Kind, int? Status, string? PayloadJson);
