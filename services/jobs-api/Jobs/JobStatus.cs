using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Contracts.Jobs.Rollouts;
using JobsApi.Jobs.Rollouts;
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
    /// <summary>Ours (docs/rollouts.md): how the job reaches its fleet; null for a plain IoT Hub job.</summary>
    public JobRollout? Rollout { get; set; }
    public JobRecurrence? Recurrence { get; set; }
    /// <summary>The wave a rollout dispatches now (1-based), and whether it waits for approval.</summary>
    public int? CurrentWave { get; set; }
    public bool AwaitingApproval { get; set; }
    /// <summary>The last wave whose devices all have a final result (<c>rollout.waveCompleted</c>); 0 before the first.</summary>
    public int CompletedWave { get; set; }
    /// <summary>The current rate of an exponential rollout, once it changed.</summary>
    public double? CurrentRatePerMinute { get; set; }
    /// <summary>Why the job stopped or waits, in words an operator reads (a tripped abort criterion with its numbers, a failed wave).</summary>
    public string? StatusMessage { get; set; }
    public string? FailureReason { get; set; }
    /// <summary>How many devices the job targeted, once its target set is final (fan-out ended, or cut by cancel or deadline).</summary>
    public int? DeviceCount { get; set; }
    /// <summary>Device jobs whose result was recorded (every device's first result counts once).</summary>
    public int ResultsRecorded { get; set; }
    /// <summary>How the devices with a recorded result ended, by failure type: what abort criteria are evaluated on.</summary>
    public ExecutedOutcomes Outcomes { get; set; } = ExecutedOutcomes.None;
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
    /// <summary>Ours (docs/rollouts.md): a running job that dispatches nothing until resumed.</summary>
    public const string Paused = "paused";

    public static readonly string[] All = [Queued, Scheduled, Running, Paused, Completed, Failed, Cancelled];

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
            case JobPaused paused: Rules.Apply(paused, job); break;
            case JobResumed resumed: Rules.Apply(resumed, job); break;
            case RolloutWaveStarted wave: Rules.Apply(wave, job); break;
            case RolloutWaveCompleted completed: Rules.Apply(completed, job); break;
            case RolloutWaveAwaitingApproval awaiting: Rules.Apply(awaiting, job); break;
            case RolloutWaveApproved approved: Rules.Apply(approved, job); break;
            case RolloutRateChanged rate: Rules.Apply(rate, job); break;
            case RolloutStopped stopped: Rules.Apply(stopped, job); break;
            // One device's pending work canceled: the document keeps no per-device figures; the ledger does.
            case DeviceJobCanceled: break;
            // Failed attempts a rollout tries again: not results, so nothing the document counts (the ledger keeps the attempts).
            case DeviceJobRetriesScheduled: break;
            default: throw new ArgumentException($"{e.GetType().Name} is not an event of a job's stream", nameof(e));
        }
    }

    public JobStatus Create(JobCreated e) => new()
    {
        Id = e.JobId, Type = e.Type, QueryCondition = e.QueryCondition, CreatedTime = e.CreatedTime,
        StartTime = e.StartTime, MaxExecutionTimeInSeconds = e.MaxExecutionTimeInSeconds,
        CloudToDeviceMethod = e.CloudToDeviceMethod, UpdateTwinJson = e.UpdateTwinJson, Rollout = e.Rollout, Recurrence = e.Recurrence,
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

    public void Apply(DeviceJobsCompleted e, JobStatus job)
    {
        job.ResultsRecorded += e.Results.Count;
        job.Outcomes = e.Results.Aggregate(job.Outcomes ?? ExecutedOutcomes.None, (outcomes, r) => outcomes.Add(r));
    }

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
        if (e.Reason is { } reason) job.StatusMessage = reason;
        if (job.StartedAt is null) job.FinalStatistics = DeviceJobStatistics.Empty;
    }

    public void Apply(JobPaused e, JobStatus job)
    {
        if (job.Status != JobStatuses.Running) return;
        job.Status = JobStatuses.Paused;
        job.StatusMessage = e.Reason;
    }

    public void Apply(JobResumed e, JobStatus job)
    {
        if (job.Status != JobStatuses.Paused) return;
        job.Status = JobStatuses.Running;
        job.StatusMessage = null;
    }

    public void Apply(RolloutWaveStarted e, JobStatus job)
    {
        job.CurrentWave = e.Wave;
        job.AwaitingApproval = false;
    }

    public void Apply(RolloutWaveCompleted e, JobStatus job) => job.CompletedWave = Math.Max(job.CompletedWave, e.Wave);

    public void Apply(RolloutWaveAwaitingApproval e, JobStatus job) => job.AwaitingApproval = true;

    public void Apply(RolloutWaveApproved e, JobStatus job) => job.AwaitingApproval = false;

    public void Apply(RolloutRateChanged e, JobStatus job) => job.CurrentRatePerMinute = Math.Max(job.CurrentRatePerMinute ?? 0, e.RatePerMinute);

    public void Apply(RolloutStopped e, JobStatus job)
    {
        job.StatusMessage = e.Reason;
        if (!e.Cancelled || job.IsFinished) return;
        job.Status = JobStatuses.Cancelled;
        job.EndTime = e.StoppedAt;
    }
}
