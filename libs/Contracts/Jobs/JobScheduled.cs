namespace IotHubJobs.Contracts.Jobs;

/// <summary>The scheduler holds a durable start timer for the job.</summary>
public sealed record JobScheduled(string JobId, DateTimeOffset ScheduledAt);
