namespace IotHubJobs.Contracts.Devices;

public enum DeviceMethodOutcomeKind
{
    /// <summary>The device answered; any status it returned counts as an answer.</summary>
    Responded,
    /// <summary>The call provably never reached the device: it was not connected within the connect timeout (IoT Hub 404103).</summary>
    DeviceNotOnline,
    /// <summary>The call reached the device, which did not answer within the response timeout (IoT Hub 504101).</summary>
    ResponseTimedOut,
    /// <summary>The call may have reached the device, but its answer was lost in a fault; it is never delivered again.</summary>
    OutcomeUnknown,
}

public sealed record DeviceMethodOutcome(string DeviceId, DeviceMethodOutcomeKind Kind, int? Status, string? PayloadJson);
