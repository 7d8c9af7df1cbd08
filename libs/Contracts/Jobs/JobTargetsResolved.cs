namespace IotHubJobs.Contracts.Jobs;

/// <summary>Every device the job's query matched at start has a device job; <c>DeviceCount</c> is final.</summary>
public sealed record JobTargetsResolved(string JobId, int DeviceCount, DateTimeOffset ResolvedAt);
