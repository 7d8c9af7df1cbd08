namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>One device's failed attempt that a rollout retries: which attempt failed, how, and when the next one is due.</summary>
public sealed record DeviceJobRetry(string DeviceId, int FailedAttempt, string FailureType, string? ErrorCode, DateTimeOffset NextAttemptAt);
