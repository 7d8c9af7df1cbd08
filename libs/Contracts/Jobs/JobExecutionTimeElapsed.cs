namespace IotHubJobs.Contracts.Jobs;

/// <summary>maxExecutionTimeInSeconds passed since the start: dispatch stopped, unfinished device jobs must fail.</summary>
public sealed record JobExecutionTimeElapsed(string JobId, DateTimeOffset ElapsedAt);
