using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Dispatch;
using JasperFx.Events;
using Marten;

namespace JobsApi.Jobs;

/// <summary>
/// The one way consumers write a job: under the stream's row lock (one writer per job at a time), a decision on the
/// current document yields the facts to record; they are appended with their ledger statements, and when the job has
/// started, its target set is final and nothing is left unfinished, <see cref="JobCompleted"/> freezes its statistics —
/// all in one transaction. The document changes only through the projection's Apply methods.
/// </summary>
public sealed class JobWriter(IDocumentStore store, TimeProvider clock, ILogger<JobWriter> logger)
{
    /// <param name="decide">Returns the facts to record, or null when the message changes nothing (a repeat, a late fact).</param>
    /// <returns>The job after the write, or null when nothing was written.</returns>
    public async Task<JobStatus?> WriteAsync(string jobId, Func<JobStatus, Task<JobFacts?>> decide, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForExclusiveWriting<JobStatus>(jobId, ct);
        if (stream.Aggregate is not { } job || await decide(job) is not { } facts) return null;

        foreach (var statement in facts.Ledger) session.QueueSqlCommand(statement.Sql, statement.Parameters);
        var after = job.Copy();
        foreach (var e in facts.Events) Append(stream, after, e);
        var completes = facts.CountsAfter is { } counts && after is { FinalStatistics: null, StartedAt: not null, DeviceCount: not null }
                        && !counts.HasUnfinished();
        if (completes) Append(stream, after, new JobCompleted(jobId, facts.CountsAfter!.Targeting(after.DeviceCount), clock.GetUtcNow()));
        await session.SaveChangesAsync(ct);

        foreach (var e in facts.Events.OfType<JobFailed>()) JobMetrics.Record("failed", after.Type);
        if (completes)
        {
            JobMetrics.Record("completed", after.Type);
            logger.LogInformation("Job {JobId} completed: {Statistics}", jobId, after.FinalStatistics);
        }
        return after;
    }

    private static void Append(IEventStream<JobStatus> stream, JobStatus after, object e)
    {
        stream.AppendOne(e);
        JobStatusProjection.Evolve(after, e);
    }
}
