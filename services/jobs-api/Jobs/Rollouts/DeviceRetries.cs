using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Contracts.Jobs.Rollouts;
using IotHubJobs.Dispatch;
using IotHubJobs.Rollouts;

namespace JobsApi.Jobs.Rollouts;

/// <summary>
/// Results of a job whose rollout retries (docs/rollouts.md, "Retries"): only the answer of the attempt a device runs now
/// counts (an older attempt's result delivered again changes nothing). A failed attempt that its failure type, its retries
/// left and the job's deadline allow to be tried again makes the device job pending until its next attempt is due
/// (<see cref="DeviceJobRetriesScheduled"/>); every other answer is the device's result, recorded once. Statistics and abort
/// criteria therefore count devices, never attempts. A job that is finished or whose dispatch was cancelled retries nothing.
/// </summary>
public sealed class DeviceRetries(DeviceJobLedger ledger, TimeProvider clock)
{
    public static bool Applies(JobStatus job) => job.Rollout?.Retry is not null;

    public async Task<JobFacts?> FreshAsync(JobStatus job, IReadOnlyList<DeviceJobResult> results, CancellationToken ct)
    {
        var running = await ledger.RunningAttemptsAsync(job.Id, results.Select(r => r.DeviceId).ToList(), ct);
        var current = results.Where(r => r.Attempt is { } attempt && running.TryGetValue(r.DeviceId, out var now) && now == attempt).ToList();
        if (current.Count == 0) return null;

        var now = clock.GetUtcNow();
        var policy = new RetryPolicy(job.Rollout!.Retry!);
        var deadline = (job.StartedAt ?? job.StartTime) + TimeSpan.FromSeconds(job.MaxExecutionTimeInSeconds);
        var mayRetry = !job.IsFinished && job.DispatchCancelledAt is null;
        var final = new List<DeviceJobResult>();
        var retries = new List<(DeviceJobRetry Retry, string ErrorJson)>();
        foreach (var r in current)
        {
            var type = RolloutFailure.Of(r);
            var next = mayRetry && type is not null ? policy.NextAttempt(type, r.Attempt!.Value, now, deadline, Random.Shared.NextDouble()) : null;
            if (next is { } at) retries.Add((new DeviceJobRetry(r.DeviceId, r.Attempt!.Value, type!, r.ErrorCode, at), RolloutFailure.Describe(r, type!).ToJsonString()));
            else final.Add(r);
        }

        var events = new List<object>();
        var statements = new List<UnitOfWorkStatement>();
        if (final.Count > 0)
        {
            events.AddRange(ResultMessages.Of(job.Id, final));
            statements.Add(DeviceJobLedger.RecordResults(job.Id, final, now));
            statements.Add(DeviceJobLedger.CompactCounts(job.Id));
        }
        if (retries.Count > 0)
        {
            events.Add(new DeviceJobRetriesScheduled(job.Id, retries.Select(r => r.Retry).ToList(), now));
            statements.Add(DeviceJobLedger.ScheduleRetries(job.Id,
                retries.Select(r => (r.Retry.DeviceId, r.Retry.FailedAttempt, r.Retry.NextAttemptAt, r.ErrorJson)).ToList(), now));
        }
        // A retried device job is pending again, so a write that schedules retries cannot complete the job.
        var counts = retries.Count > 0 ? null : await ledger.CountsAfterLastResultsAsync(job.Id, final,
            current.ToDictionary(r => r.DeviceId, _ => DeviceJobStatus.Running, StringComparer.Ordinal), ct);
        return new JobFacts(events, statements, counts);
    }
}
