namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>Dispatch of the job stops until it is resumed; devices already running finish. <c>Reason</c> says who paused it.</summary>
public sealed record JobPaused(string JobId, string Reason, DateTimeOffset PausedAt);
