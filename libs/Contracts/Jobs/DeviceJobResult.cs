namespace IotHubJobs.Contracts.Jobs;

/// <summary>The outcome of one device's part of a job. A failure carries an IoT Hub error code and description.</summary>
public sealed record DeviceJobResult(
    string DeviceId,
    bool Succeeded,
    DateTimeOffset StartTimeUtc,
    DateTimeOffset EndTimeUtc,
    int? MethodStatus,
    string? MethodPayloadJson,
    string? ErrorCode,
    string? ErrorDescription);
