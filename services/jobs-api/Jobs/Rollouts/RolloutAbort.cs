using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Contracts.Jobs.Rollouts;

namespace JobsApi.Jobs.Rollouts;

/// <summary>
/// A rollout's abort criteria, evaluated where results are counted (after each recorded batch of a running job): once
/// at least <c>minNumberOfExecutedDevices</c> executed and the share that failed as the criterion names reaches its
/// threshold, the job is cancelled or paused, and its statusMessage says which criterion tripped with its numbers. The
/// scheduler obeys the recorded event (docs/rollouts.md, "Abort criteria").
/// </summary>
public sealed class RolloutAbort(JobWriter writer, TimeProvider clock)
{
    /// <param name="job">The job as the write of its latest results left it.</param>
    public async Task CheckAsync(JobStatus job, CancellationToken ct)
    {
        if (job is not { Status: JobStatuses.Running, Rollout.AbortCriteria.Count: > 0 }) return;
        var tally = job.Outcomes;
        var criteria = job.Rollout.AbortCriteria;
        for (var i = 0; i < criteria.Count; i++)
        {
            var c = criteria[i];
            var failed = tally.FailedAs(c.FailureType);
            if (tally.Executed < c.MinNumberOfExecutedDevices || tally.Executed == 0) continue;
            var share = 100.0 * failed / tally.Executed;
            if (share < c.ThresholdPercentage) continue;
            var reason = $"Abort criterion {i + 1} tripped: {failed} of {tally.Executed} executed devices {Describe(c.FailureType)} " +
                         $"({share:0.#}%, threshold {c.ThresholdPercentage}%); the rollout was {(c.Action == "cancel" ? "cancelled" : "paused")}.";
            var now = clock.GetUtcNow();
            object decision = c.Action == "cancel" ? new JobCancelled(job.Id, now, reason) : new JobPaused(job.Id, reason, now);
            await writer.WriteAsync(job.Id, current => Task.FromResult(current.Status == JobStatuses.Running ? JobFacts.Just(decision) : null), ct);
            return;
        }
    }

    private static string Describe(string failureType) => failureType switch
    {
        "failed" => "answered with an error",
        "timedOut" => "timed out",
        "notOnline" => "were not online",
        _ => "failed in any way",
    };
}
