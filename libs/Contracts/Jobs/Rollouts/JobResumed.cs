namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>A paused job dispatches again.</summary>
public sealed record JobResumed(string JobId, DateTimeOffset ResumedAt);
