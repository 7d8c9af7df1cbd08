namespace JobsApi.Events;

/// <summary>The public event types (docs/events.md, "Event types"), and the patterns a webhook may subscribe with.</summary>
public static class HubEventTypes
{
    public const string JobQueued = "job.queued";
    public const string JobScheduled = "job.scheduled";
    public const string JobRunning = "job.running";
    public const string JobCompleted = "job.completed";
    public const string JobFailed = "job.failed";
    public const string JobCancelled = "job.cancelled";
    public const string JobProgress = "job.progress";
    public const string DeviceJobCompleted = "deviceJob.completed";
    public const string DeviceJobFailed = "deviceJob.failed";
    public const string DeviceJobCanceled = "deviceJob.canceled";

    public static readonly string[] Sent =
    [
        JobQueued, JobScheduled, JobRunning, JobCompleted, JobFailed, JobCancelled, JobProgress,
        DeviceJobCompleted, DeviceJobFailed, DeviceJobCanceled, .. RolloutHubEvents.Sent,
    ];

    public static readonly string[] Families = ["job.*", "deviceJob.*", "rollout.*", "*"];

    /// <summary>The job's status after a change, as its event type (<c>cancelled</c> → <c>job.cancelled</c>).</summary>
    public static string ForJobStatus(string status) => "job." + status;

    public static bool IsKnownPattern(string pattern) =>
        Sent.Contains(pattern, StringComparer.Ordinal) || Families.Contains(pattern, StringComparer.Ordinal);

    public static bool Matches(string pattern, string type) =>
        pattern == "*" || pattern == type || (pattern.EndsWith(".*", StringComparison.Ordinal) && type.StartsWith(pattern[..^1], StringComparison.Ordinal));
}
