using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Dispatch;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace JobsApi.Jobs;

/// <summary>
/// The one way consumers write a job: under the stream's row lock (one writer per job at a time), a decision on the
/// current document yields the facts to record; they are appended with their ledger statements, and when the job has
/// started, its target set is final and nothing is left unfinished, <see cref="JobCompleted"/> freezes its statistics —
/// all in one transaction. The document changes only through the projection's Apply methods.
/// </summary>
public sealed class JobWriter(IDocumentStore store, NpgsqlDataSource dataSource, TimeProvider clock, ILogger<JobWriter> logger)
{
    /// <param name="decide">Returns the facts to record, or null when the message changes nothing (a repeat, a late fact).</param>
    /// <returns>The job after the write, or null when nothing was written.</returns>
    public async Task<JobStatus?> WriteAsync(string jobId, Func<JobStatus, Task<JobFacts?>> decide, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForExclusiveWriting<JobStatus>(jobId, ct);
        if (stream.Aggregate is not { } job || await decide(job) is not { } facts) return null;

        var (after, completes) = Append(session, stream, job, facts);
        await session.SaveChangesAsync(ct);
        Report(facts, after, completes);
        return after;
    }

    /// <summary>
    /// A write whose ledger part goes first, in the same transaction: <paramref name="record"/> changes the ledger's rows
    /// (they stay locked until the commit) and returns the events that record it; only then is the stream's lock taken,
    /// for the append, the counts and the commit. Writers of one job's results then change their rows at the same time
    /// and wait for each other only to append (docs/architecture.md, decision 5). The counts are read after the lock, in
    /// this transaction: a writer that changed rows but has not committed takes the lock later and counts them all, so
    /// the last one completes the job. A writer of the other kind that changes these rows while it holds the lock can
    /// deadlock with this one; PostgreSQL then ends one of them and the bus delivers its message again.
    /// </summary>
    /// <returns>The job after the write, or null when nothing was written.</returns>
    public async Task<JobStatus?> WriteLedgerFirstAsync(string jobId, Func<NpgsqlConnection, NpgsqlTransaction, Task<IReadOnlyList<object>>> record,
        CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var events = await record(conn, tx);
        if (events.Count == 0) return null;

        JobFacts facts;
        (JobStatus After, bool Completes) written;
        await using (var session = store.LightweightSession(Marten.Services.SessionOptions.ForTransaction(tx)))
        {
            var stream = await session.Events.FetchForExclusiveWriting<JobStatus>(jobId, ct);
            if (stream.Aggregate is not { } job) return null;
            facts = new JobFacts(events, [DeviceJobLedger.CompactCounts(jobId)], await DeviceJobLedger.CountAsync(conn, tx, jobId, ct));
            written = Append(session, stream, job, facts);
            await session.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        Report(facts, written.After, written.Completes);
        return written.After;
    }

    private (JobStatus After, bool Completes) Append(IDocumentSession session, IEventStream<JobStatus> stream, JobStatus job, JobFacts facts)
    {
        foreach (var statement in facts.Ledger) session.QueueSqlCommand(statement.Sql, statement.Parameters);
        var after = job.Copy();
        foreach (var e in facts.Events) Append(stream, after, e);
        var completes = facts.CountsAfter is { } counts && after is { FinalStatistics: null, StartedAt: not null, DeviceCount: not null }
                        && !counts.HasUnfinished();
        if (completes) Append(stream, after, new JobCompleted(job.Id, facts.CountsAfter!.Targeting(after.DeviceCount), clock.GetUtcNow()));
        return (after, completes);
    }

    private void Report(JobFacts facts, JobStatus after, bool completes)
    {
        foreach (var e in facts.Events.OfType<JobFailed>()) JobMetrics.Record("failed", after.Type);
        if (!completes) return;
        JobMetrics.Record("completed", after.Type);
        logger.LogInformation("Job {JobId} completed: {Statistics}", after.Id, after.FinalStatistics);
    }

    private static void Append(IEventStream<JobStatus> stream, JobStatus after, object e)
    {
        stream.AppendOne(e);
        JobStatusProjection.Evolve(after, e);
    }
}
