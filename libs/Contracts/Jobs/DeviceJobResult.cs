namespace IotHubJobs.Contracts.Jobs;

/// <summary>
/// The outcome of one device's part of a job. A failure carries an IoT Hub error code and description. <c>Attempt</c> is
/// the claim it answers (1 for the first, more for a rollout's retries; docs/rollouts.md, "Retries"); null where no claim
/// of this sender stands behind it (an answer repeated from a call's record).
/// </summary>
public sealed record DeviceJobResult(
    string DeviceId,
    bool Succeeded,
    DateTimeOffset StartTimeUtc,
    DateTimeOffset EndTimeUtc,
    int? MethodStatus,
    string? MethodPayloadJson,
    string? ErrorCode,
    string? ErrorDescription,
    int? Attempt = null);
