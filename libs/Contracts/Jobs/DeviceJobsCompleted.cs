namespace IotHubJobs.Contracts.Jobs;

/// <summary>Results of many device jobs of one job; recording is idempotent per (job, device).</summary>
public sealed record DeviceJobsCompleted(string JobId, IReadOnlyList<DeviceJobResult> Results);
