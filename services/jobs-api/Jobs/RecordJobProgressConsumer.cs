using IotHubJobs.Contracts.Jobs.Rollouts;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Dispatch;
using IotHubJobs.IotHubErrors;
using MassTransit;

namespace JobsApi.Jobs;

/// <summary>Appends the scheduler's facts about a job to its stream; each is idempotent under redelivery.</summary>
public sealed class RecordJobProgressConsumer(JobWriter writer, DeviceJobLedger ledger, TimeProvider clock, ILogger<RecordJobProgressConsumer> logger) :
    IConsumer<JobScheduled>, IConsumer<JobStarted>, IConsumer<JobTargetsResolved>, IConsumer<JobDispatchCancelled>,
    IConsumer<JobFailed>, IConsumer<JobExecutionTimeElapsed>,
    IConsumer<RolloutWaveStarted>, IConsumer<RolloutWaveCompleted>, IConsumer<RolloutWaveAwaitingApproval>, IConsumer<RolloutRateChanged>, IConsumer<RolloutStopped>
{
    public Task Consume(ConsumeContext<JobScheduled> context) => Write(context.Message.JobId, context,
        job => Task.FromResult(job.Status == JobStatuses.Queued ? JobFacts.Just(context.Message) : null));

    /// <summary>The target set may already be resolved: the two facts can arrive in either order.</summary>
    public async Task Consume(ConsumeContext<JobStarted> context)
    {
        var started = await Write(context.Message.JobId, context,
            async job => job.StartedAt is null ? new JobFacts([context.Message], [], await ledger.CountAsync(job.Id, context.CancellationToken)) : null);
        if (started is not null) logger.LogInformation("Job {JobId} started at {StartedAt:O}", started.Id, context.Message.StartedAt);
    }

    public Task Consume(ConsumeContext<JobTargetsResolved> context) => Write(context.Message.JobId, context,
        async job => job.DeviceCount is null ? new JobFacts([context.Message], [], await ledger.CountAsync(job.Id, context.CancellationToken)) : null);

    /// <summary>
    /// The scheduler canceled what was still pending: the job completes once its running devices report. Recorded
    /// whatever the document shows yet, since it may arrive before the JobStarted that reopens a job cancelled at once.
    /// </summary>
    public Task Consume(ConsumeContext<JobDispatchCancelled> context) => Write(context.Message.JobId, context,
        async job => job.DispatchCancelledAt is null ? new JobFacts([context.Message], [], await ledger.CountAsync(job.Id, context.CancellationToken)) : null);

    public Task Consume(ConsumeContext<JobFailed> context) => Write(context.Message.JobId, context,
        job => Task.FromResult(job.IsFinished ? null : JobFacts.Just(context.Message)));

    /// <summary>Every device job still pending or running fails with JobTimeout, and the job completes (docs/jobs.md).</summary>
    public Task Consume(ConsumeContext<JobExecutionTimeElapsed> context) => Write(context.Message.JobId, context, async job =>
    {
        if (job.FinalStatistics is not null) return null;
        var before = await ledger.CountAsync(job.Id, context.CancellationToken);
        var fail = DeviceJobLedger.FailUnfinished(job.Id, clock.GetUtcNow(), DeviceOperationErrors.JobTimeout.Code,
            DeviceOperationErrors.JobTimeout.Description);
        // A deadline that cut the fan-out short leaves the devices recorded so far as the target set.
        object[] events = job.DeviceCount is null
            ? [new JobTargetsResolved(job.Id, before.DeviceCount, context.Message.ElapsedAt), context.Message]
            : [context.Message];
        return new JobFacts(events, [fail], DeviceJobCounts.AfterFailingUnfinished(before));
    });

    public Task Consume(ConsumeContext<RolloutWaveStarted> context) => Write(context.Message.JobId, context,
        job => Task.FromResult(job.IsFinished || job.CurrentWave >= context.Message.Wave ? null : JobFacts.Just(context.Message)));

    public Task Consume(ConsumeContext<RolloutWaveCompleted> context) => Write(context.Message.JobId, context,
        job => Task.FromResult(job.IsFinished || job.CompletedWave >= context.Message.Wave ? null : JobFacts.Just(context.Message)));

    public Task Consume(ConsumeContext<RolloutWaveAwaitingApproval> context) => Write(context.Message.JobId, context,
        job => Task.FromResult(job.IsFinished || job.AwaitingApproval ? null : JobFacts.Just(context.Message)));

    /// <summary>
    /// An exponential rate only grows: a change is recorded unless a higher one was (it may arrive after the job's last
    /// results, which leaves the rate the job ended with visible).
    /// </summary>
    public Task Consume(ConsumeContext<RolloutRateChanged> context) => Write(context.Message.JobId, context,
        job => Task.FromResult(job.CurrentRatePerMinute >= context.Message.RatePerMinute ? null : JobFacts.Just(context.Message)));

    /// <summary>
    /// The scheduler stopped the rollout and canceled its undispatched devices: recorded once, with the dispatch's cancel in
    /// the same write (recorded apart, a cancel that completed the job first would have hidden why, and whether it ends
    /// cancelled); the job completes (or ends cancelled) now or when its running devices report.
    /// </summary>
    public Task Consume(ConsumeContext<RolloutStopped> context) => Write(context.Message.JobId, context, async job =>
    {
        var stopped = context.Message;
        if (job.FinalStatistics is not null || job.StatusMessage == stopped.Reason) return null;
        var counts = await ledger.CountAsync(job.Id, context.CancellationToken);
        object[] events = job.DispatchCancelledAt is null
            ? [stopped, new JobDispatchCancelled(job.Id, job.DeviceCount ?? stopped.DeviceCount, stopped.CanceledCount, stopped.StoppedAt)]
            : [stopped];
        return new JobFacts(events, [], counts);
    });

    private Task<JobStatus?> Write(string jobId, ConsumeContext context, Func<JobStatus, Task<JobFacts?>> decide) =>
        writer.WriteAsync(jobId, decide, context.CancellationToken);
}
