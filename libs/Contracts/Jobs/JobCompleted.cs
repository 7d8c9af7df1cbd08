namespace IotHubJobs.Contracts.Jobs;

/// <summary>Every device job reached a final state (succeeded, failed or canceled).</summary>
public sealed record JobCompleted(string JobId, DeviceJobStatistics Statistics, DateTimeOffset EndTime);
