using IotHubJobs.Contracts.Jobs;
using JasperFx.Events;

namespace JobsApi.Jobs;

/// <summary>A started job completes when its target set is final and no device job is pending or running.</summary>
public static class JobCompletion
{
    /// <returns>Whether the job completed; count it once the transaction commits.</returns>
    public static bool AppendIfDone(IEventStream<JobStatus> stream, DeviceJobStatistics statistics, DateTimeOffset now)
    {
        var job = stream.Aggregate;
        if (job is null || job.FinalStatistics is not null || job.StartedAt is null || job.DeviceCount is null) return false;
        if (statistics.PendingCount + statistics.RunningCount > 0) return false;
        stream.AppendOne(new JobCompleted(job.Id, statistics with { DeviceCount = job.DeviceCount.Value }, now));
        return true;
    }
}
