using IotHubJobs.Contracts.Jobs;
using Marten.Events.Aggregation;

namespace JobsApi.Jobs;

/// <summary>The read model of one job, built inline from its event stream (read-your-write for the API).</summary>
public sealed class JobStatus
{
    public string Id { get; set; } = "";
    public string Type { get; set; } = "";
    public string Status { get; set; } = JobStatuses.Queued;
    public string QueryCondition { get; set; } = "";
    public DateTimeOffset CreatedTime { get; set; }
    public DateTimeOffset StartTime { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? EndTime { get; set; }
    public long MaxExecutionTimeInSeconds { get; set; }
    public CloudToDeviceMethod? CloudToDeviceMethod { get; set; }
    public string? UpdateTwinJson { get; set; }
    public string? FailureReason { get; set; }
    /// <summary>How many devices the job targeted, once its target set is final (fan-out ended, or cut by cancel or deadline).</summary>
    public int? DeviceCount { get; set; }
    /// <summary>Device jobs whose result was recorded (every device's first result counts once).</summary>
    public int ResultsRecorded { get; set; }
    /// <summary>When the scheduler stopped dispatching it because it was cancelled after it had started.</summary>
    public DateTimeOffset? DispatchCancelledAt { get; set; }
    /// <summary>When its maxExecutionTimeInSeconds ran out, if it did before the job completed.</summary>
    public DateTimeOffset? ExecutionTimeElapsedAt { get; set; }
    /// <summary>Frozen at completion; while null, statistics are counted from the device-job ledger.</summary>
    public DeviceJobStatistics? FinalStatistics { get; set; }

    public bool IsFinished => JobStatuses.IsFinished(Status);

    /// <summary>A copy to apply events to when a writer must know the job's state after appending them.</summary>
    public JobStatus Copy() => (JobStatus)MemberwiseClone();
}

public static class JobStatuses
{
    public const string Queued = "queued";
    public const string Scheduled = "scheduled";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static readonly string[] All = [Queued, Scheduled, Running, Completed, Failed, Cancelled];

    public static bool IsFinished(string status) => status is Completed or Failed or Cancelled;
}

/// <summary>
/// Every change to a job's document is one of these Apply methods; the stream rebuilds the document. Writers that must
/// know the state after an append (to decide completion) run the same methods through <see cref="Evolve"/>.
/// </summary>
public sealed class JobStatusProjection : SingleStreamProjection<JobStatus, string>
{
    private static readonly JobStatusProjection Rules = new();

    /// <summary>Applies one event of the job's stream to <paramref name="job"/>, as the projection does.</summary>
    public static void Evolve(JobStatus job, object e)
    {
        switch (e)
        {
            case JobScheduled scheduled: Rules.Apply(scheduled, job); break;
            case JobStarted started: Rules.Apply(started, job); break;
            case JobTargetsResolved resolved: Rules.Apply(resolved, job); break;
            case JobDispatchCancelled stopped: Rules.Apply(stopped, job); break;
            case DeviceJobsCompleted results: Rules.Apply(results, job); break;
            case JobExecutionTimeElapsed elapsed: Rules.Apply(elapsed, job); break;
            case JobCompleted completed: Rules.Apply(completed, job); break;
            case JobFailed failed: Rules.Apply(failed, job); break;
            case JobCancelled cancelled: Rules.Apply(cancelled, job); break;
            default: throw new ArgumentException($"{e.GetType().Name} is not an event of a job's stream", nameof(e));
        }
    }

    public JobStatus Create(JobCreated e) => new()
    {
        Id = e.JobId, Type = e.Type, QueryCondition = e.QueryCondition, CreatedTime = e.CreatedTime,
        StartTime = e.StartTime, MaxExecutionTimeInSeconds = e.MaxExecutionTimeInSeconds,
        CloudToDeviceMethod = e.CloudToDeviceMethod, UpdateTwinJson = e.UpdateTwinJson,
    };

    public void Apply(JobScheduled e, JobStatus job)
    {
        if (job.Status == JobStatuses.Queued) job.Status = JobStatuses.Scheduled;
    }

    public void Apply(JobStarted e, JobStatus job)
    {
        job.StartedAt ??= e.StartedAt;
        // The scheduler started it before the cancel reached it (a cancel answered at once froze empty statistics): what
        // was dispatched counts until it finishes, and JobCompleted freezes the real figures.
        if (job.Status == JobStatuses.Cancelled && job.FinalStatistics == DeviceJobStatistics.Empty) job.FinalStatistics = null;
        if (!job.IsFinished) job.Status = JobStatuses.Running;
    }

    public void Apply(JobTargetsResolved e, JobStatus job) => job.DeviceCount ??= e.DeviceCount;

    public void Apply(JobDispatchCancelled e, JobStatus job)
    {
        job.DeviceCount ??= e.DeviceCount;
        job.DispatchCancelledAt ??= e.CancelledAt;
    }

    public void Apply(DeviceJobsCompleted e, JobStatus job) => job.ResultsRecorded += e.Results.Count;

    public void Apply(JobExecutionTimeElapsed e, JobStatus job) => job.ExecutionTimeElapsedAt ??= e.ElapsedAt;

    public void Apply(JobCompleted e, JobStatus job)
    {
        if (job.Status != JobStatuses.Cancelled) job.Status = JobStatuses.Completed;
        job.EndTime ??= e.EndTime;
        job.FinalStatistics = e.Statistics;
    }

    public void Apply(JobFailed e, JobStatus job)
    {
        job.Status = JobStatuses.Failed;
        job.FailureReason = e.FailureReason;
        job.EndTime = e.FailedAt;
        job.FinalStatistics ??= DeviceJobStatistics.Empty;
    }

    public void Apply(JobCancelled e, JobStatus job)
    {
        job.Status = JobStatuses.Cancelled;
        job.EndTime = e.CancelledAt;
        if (job.StartedAt is null) job.FinalStatistics = DeviceJobStatistics.Empty;
    }
}
