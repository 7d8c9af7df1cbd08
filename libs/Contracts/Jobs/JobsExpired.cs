namespace IotHubJobs.Contracts.Jobs;

/// <summary>
/// These jobs ended before the retention period and their history is being removed: every service forgets what it
/// kept about them (timer rows, device call records). Published before the job's own records are deleted, and again
/// by the next sweep if that deletion did not happen, so handlers must be idempotent.
/// </summary>
public sealed record JobsExpired(IReadOnlyList<string> JobIds, DateTimeOffset EndedBefore);
