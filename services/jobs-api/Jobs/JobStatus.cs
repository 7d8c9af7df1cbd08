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
    public int? DeviceCount { get; set; }
    /// <summary>Frozen at completion; while null, statistics are counted from the device-job ledger.</summary>
    public DeviceJobStatistics? FinalStatistics { get; set; }

    public bool IsFinished => JobStatuses.IsFinished(Status);
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

public sealed class JobStatusProjection : SingleStreamProjection<JobStatus, string>
{
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
        if (job.IsFinished) return;
        job.Status = JobStatuses.Running;
        job.StartedAt = e.StartedAt;
    }

    public void Apply(JobTargetsResolved e, JobStatus job) => job.DeviceCount = e.DeviceCount;

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
