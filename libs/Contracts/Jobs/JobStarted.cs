namespace IotHubJobs.Contracts.Jobs;

/// <summary>The start timer fired; the job's query is being resolved and its devices dispatched.</summary>
public sealed record JobStarted(string JobId, DateTimeOffset StartedAt);
