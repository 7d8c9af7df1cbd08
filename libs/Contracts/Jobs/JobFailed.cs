namespace IotHubJobs.Contracts.Jobs;

/// <summary>The job as a whole could not run (for example its query no longer compiles).</summary>
public sealed record JobFailed(string JobId, string FailureReason, DateTimeOffset FailedAt);
