using IotHubJobs.Contracts.Jobs;
using Marten;
using MassTransit;

namespace JobsApi.Jobs;

/// <summary>Appends the scheduler's lifecycle facts to the job's stream; each is idempotent under redelivery.</summary>
public sealed class RecordJobProgress(IDocumentStore store, DeviceJobLedger ledger, TimeProvider clock, ILogger<RecordJobProgress> logger) :
    IConsumer<JobScheduled>, IConsumer<JobStarted>, IConsumer<JobTargetsResolved>, IConsumer<JobFailed>, IConsumer<JobExecutionTimeElapsed>
{
    public Task Consume(ConsumeContext<JobScheduled> context) =>
        Append(context.Message.JobId, job => job.Status == JobStatuses.Queued, context.Message, context.CancellationToken);

    public async Task Consume(ConsumeContext<JobStarted> context)
    {
        var ct = context.CancellationToken;
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForExclusiveWriting<JobStatus>(context.Message.JobId, ct);
        if (stream.Aggregate is not { StartedAt: null } job) return;
        stream.AppendOne(context.Message);
        job.StartedAt = context.Message.StartedAt;
        // The target set may already be resolved (the two facts can arrive in either order).
        var completed = JobCompletion.AppendIfDone(stream, await ledger.CountAsync(job.Id, ct), clock.GetUtcNow());
        await session.SaveChangesAsync(ct);
        logger.LogInformation("Job {JobId} started at {StartedAt:O}", job.Id, context.Message.StartedAt);
        if (completed) JobMetrics.Record("completed", job.Type);
    }

    public async Task Consume(ConsumeContext<JobFailed> context)
    {
        if (await Append(context.Message.JobId, job => !job.IsFinished, context.Message, context.CancellationToken) is { } job)
            JobMetrics.Record("failed", job.Type);
    }

    public async Task Consume(ConsumeContext<JobTargetsResolved> context)
    {
        var ct = context.CancellationToken;
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForExclusiveWriting<JobStatus>(context.Message.JobId, ct);
        if (stream.Aggregate is not { } job) return;
        // Also sent again after a cancel, only to re-check completion once the scheduler has canceled pending devices.
        if (job.DeviceCount is null)
        {
            stream.AppendOne(context.Message);
            job.DeviceCount = context.Message.DeviceCount;
        }
        var completed = JobCompletion.AppendIfDone(stream, await ledger.CountAsync(context.Message.JobId, ct), clock.GetUtcNow());
        await session.SaveChangesAsync(ct);
        if (completed) JobMetrics.Record("completed", stream.Aggregate!.Type);
    }

    /// <summary>Every device job still pending or running fails with JobTimeout, and the job completes (spec §2.5).</summary>
    public async Task Consume(ConsumeContext<JobExecutionTimeElapsed> context)
    {
        var ct = context.CancellationToken;
        var jobId = context.Message.JobId;
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForExclusiveWriting<JobStatus>(jobId, ct);
        if (stream.Aggregate is not { FinalStatistics: null } job) return;
        var now = clock.GetUtcNow();
        var before = await ledger.CountAsync(jobId, ct);
        session.QueueSqlCommand("""
            update dispatch.device_jobs
               set status = 'failed', end_utc = ?, last_updated_utc = ?, claimed_until = null,
                   error = jsonb_build_object('code', 'JobTimeout', 'description', 'The job reached its maxExecutionTimeInSeconds before this device job finished.')
             where job_id = ? and status in ('pending', 'running')
            """, now.ToUniversalTime(), now.ToUniversalTime(), jobId);
        stream.AppendOne(context.Message);
        var after = before with
        {
            FailedCount = before.FailedCount + before.PendingCount + before.RunningCount,
            PendingCount = 0,
            RunningCount = 0,
        };
        job.DeviceCount ??= after.DeviceCount;
        var completed = JobCompletion.AppendIfDone(stream, after, now);
        await session.SaveChangesAsync(ct);
        if (completed) JobMetrics.Record("completed", stream.Aggregate!.Type);
    }

    private async Task<JobStatus?> Append<T>(string jobId, Func<JobStatus, bool> applies, T fact, CancellationToken ct) where T : notnull
    {
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForExclusiveWriting<JobStatus>(jobId, ct);
        if (stream.Aggregate is null || !applies(stream.Aggregate)) return null;
        stream.AppendOne(fact);
        await session.SaveChangesAsync(ct);
        return stream.Aggregate;
    }
}
