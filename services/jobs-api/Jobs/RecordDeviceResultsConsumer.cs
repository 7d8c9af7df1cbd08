using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Dispatch;
using JobsApi.Jobs.Rollouts;
using Marten;
using MassTransit;
using Npgsql;

namespace JobsApi.Jobs;

/// <summary>
/// Records device-job results in batches per job (docs/architecture.md, decision 5
/// "Results are recorded in batches, one append per job at a time"): one transaction records the results not recorded
/// before in the ledger, appends them as <see cref="DeviceJobsCompleted"/> events (in parts, <see cref="ResultMessages"/>),
/// sums the job's status changes, and completes the job when nothing is left (<see cref="JobWriter.WriteLedgerFirstAsync"/>);
/// then a rollout's abort criteria look at the new figures (<see cref="RolloutAbort"/>). A rollout that retries decides
/// which results are final under the job's lock (<see cref="DeviceRetries"/>).
/// </summary>
public sealed class RecordDeviceResultsConsumer(JobWriter writer, IDocumentStore store, RolloutAbort abort, DeviceRetries retries,
    TimeProvider clock, ILogger<RecordDeviceResultsConsumer> logger)
    : IConsumer<Batch<DeviceJobsCompleted>>
{
    public async Task Consume(ConsumeContext<Batch<DeviceJobsCompleted>> context)
    {
        var ct = context.CancellationToken;
        foreach (var job in context.Message.GroupBy(m => m.Message.JobId))
        {
            var results = job.SelectMany(m => m.Message.Results).DistinctBy(r => r.DeviceId, StringComparer.Ordinal).ToList();
            var written = await RetriesAsync(job.Key, ct)
                ? await writer.WriteAsync(job.Key, current => retries.FreshAsync(current, results, ct), ct)
                : await writer.WriteLedgerFirstAsync(job.Key, (conn, tx) => FirstResultsAsync(conn, tx, job.Key, results, ct), ct);
            if (written is null) logger.LogDebug("No new results among {Count} for job {JobId}", results.Count, job.Key);
            else await abort.CheckAsync(written, ct);
        }
    }

    /// <summary>Whether the job's rollout retries failed attempts: set when the job is created, so read without its lock.</summary>
    private async Task<bool> RetriesAsync(string jobId, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        return await query.LoadAsync<JobStatus>(jobId, ct) is { } job && DeviceRetries.Applies(job);
    }

    /// <summary>The first result of a device wins: results of device jobs already finished (or gone) change nothing.</summary>
    private async Task<IReadOnlyList<object>> FirstResultsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string jobId,
        List<DeviceJobResult> results, CancellationToken ct)
    {
        var recorded = await DeviceJobLedger.RecordFirstResultsAsync(conn, tx, jobId, results, clock.GetUtcNow(), ct);
        return [.. ResultMessages.Of(jobId, results.Where(r => recorded.Contains(r.DeviceId)).ToList())];
    }
}

public sealed class RecordDeviceResultsConsumerDefinition : ConsumerDefinition<RecordDeviceResultsConsumer>
{
    // A message carries less than 48 KB of results (ResultMessages: 125 devices of the benchmark's method job), so one
    // transaction records up to 6,250 results, and jobs-api holds at most 200 prefetched messages, under 10 MB,
    // whatever the job's size. Batches of one job wait for each other to append (JobWriter.WriteLedgerFirstAsync); when
    // they waited for the whole write, two at a time, each taking what arrived while the other wrote, kept a busy job's
    // writer up with its executors better than four smaller ones (measured with 100 a batch: docs/benchmarks.md, "Twin
    // writes set sections in place"). 100 a batch
    // held more at a million devices (jobs-api's peak 342 MB against 243–316 MB at 100,000), so the prefetch stays where
    // it was.
    private const int MessageLimit = 50;
    private const int ConcurrencyLimit = 2;

    public RecordDeviceResultsConsumerDefinition()
    {
        Endpoint(e =>
        {
            e.Name = "record-device-results";
            // Batches are silently capped by prefetch and concurrency (MassTransit #5932): keep both above limit × concurrency.
            e.PrefetchCount = MessageLimit * ConcurrencyLimit * 2;
            e.ConcurrentMessageLimit = MessageLimit * ConcurrencyLimit;
        });
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<RecordDeviceResultsConsumer> consumer, IRegistrationContext context)
    {
        consumer.Options<BatchOptions>(o => o
            .SetMessageLimit(MessageLimit)
            .SetTimeLimit(TimeSpan.FromMilliseconds(100))
            .SetConcurrencyLimit(ConcurrencyLimit)
            .GroupBy<DeviceJobsCompleted, string>(m => m.Message.JobId));
    }
}
