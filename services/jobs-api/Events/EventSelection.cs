namespace JobsApi.Events;

/// <summary>
/// Which events a reader wants: the types (patterns of <see cref="HubEventTypes"/>), optionally one job or the jobs
/// whose id starts with a prefix.
/// </summary>
public sealed record EventSelection(IReadOnlyList<string> TypePatterns, string? JobId = null, string? JobIdPrefix = null)
{
    /// <summary>Job status changes and progress, plus each device's outcome when <paramref name="devices"/> is set (SSE).</summary>
    public static EventSelection ForStream(bool devices, string? jobId = null, string? jobIdPrefix = null) =>
        new(devices ? ["job.*", "deviceJob.*", "rollout.*"] : ["job.*", "rollout.*"], jobId, jobIdPrefix);

    /// <summary>No events at all: for replaying a job's history to know its state.</summary>
    public static readonly EventSelection Nothing = new([]);

    public bool Wants(string type) => TypePatterns.Any(p => HubEventTypes.Matches(p, type));

    public bool WantsProgress => Wants(HubEventTypes.JobProgress);

    public bool WantsDeviceJobs =>
        Wants(HubEventTypes.DeviceJobCompleted) || Wants(HubEventTypes.DeviceJobFailed) || Wants(HubEventTypes.DeviceJobCanceled);

    /// <summary>Batches of device results are read from the log only when they yield something wanted.</summary>
    public bool NeedsDeviceResults => WantsProgress || WantsDeviceJobs;
}
