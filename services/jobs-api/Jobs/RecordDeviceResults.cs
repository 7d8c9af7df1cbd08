using System.Text.Json.Nodes;
using IotHubJobs.Contracts.Jobs;
using Marten;
using MassTransit;

namespace JobsApi.Jobs;

/// <summary>
/// Records device-job results in batches per job (design decision 3): one transaction appends one
/// <see cref="DeviceJobsCompleted"/> event holding only results not recorded before, updates their ledger rows,
/// and completes the job when nothing is left. The stream's row lock serialises writers of one job.
/// </summary>
public sealed class RecordDeviceResults(IDocumentStore store, DeviceJobLedger ledger, TimeProvider clock, ILogger<RecordDeviceResults> logger)
    : IConsumer<Batch<DeviceJobsCompleted>>
{
    public async Task Consume(ConsumeContext<Batch<DeviceJobsCompleted>> context)
    {
        foreach (var job in context.Message.GroupBy(m => m.Message.JobId))
            await RecordAsync(job.Key, job.SelectMany(m => m.Message.Results).ToList(), context.CancellationToken);
    }

    private async Task RecordAsync(string jobId, List<DeviceJobResult> results, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForExclusiveWriting<JobStatus>(jobId, ct);
        if (stream.Aggregate is null)
        {
            logger.LogWarning("Dropping {Count} results for job {JobId}, which no longer exists", results.Count, jobId);
            return;
        }
        var unique = results.DistinctBy(r => r.DeviceId, StringComparer.Ordinal).ToList();
        var unfinished = await ledger.UnfinishedAsync(jobId, unique.Select(r => r.DeviceId).ToList(), ct);
        var fresh = unique.Where(r => unfinished.ContainsKey(r.DeviceId)).ToList();
        if (fresh.Count == 0) return;

        var now = clock.GetUtcNow();
        session.QueueSqlCommand("""
            update dispatch.device_jobs d
               set status = case when r.ok then 'completed' else 'failed' end,
                   start_utc = coalesce(d.start_utc, r.started), end_utc = r.ended, last_updated_utc = ?,
                   outcome = r.outcome::jsonb, error = r.error::jsonb, claimed_until = null
              from unnest(?::text[], ?::boolean[], ?::timestamptz[], ?::timestamptz[], ?::text[], ?::text[])
                   as r(device_id, ok, started, ended, outcome, error)
             where d.job_id = ? and d.device_id = r.device_id and d.status in ('pending', 'running')
            """,
            now.ToUniversalTime(),
            fresh.Select(r => r.DeviceId).ToArray(),
            fresh.Select(r => r.Succeeded).ToArray(),
            fresh.Select(r => r.StartTimeUtc.ToUniversalTime()).ToArray(),
            fresh.Select(r => r.EndTimeUtc.ToUniversalTime()).ToArray(),
            fresh.Select(Outcome).ToArray(),
            fresh.Select(Error).ToArray(),
            jobId);
        stream.AppendOne(new DeviceJobsCompleted(jobId, fresh));

        var before = await ledger.CountAsync(jobId, ct);
        var succeeded = fresh.Count(r => r.Succeeded);
        var running = fresh.Count(r => unfinished[r.DeviceId] == DeviceJobLedger.Running);
        var after = before with
        {
            SucceededCount = before.SucceededCount + succeeded,
            FailedCount = before.FailedCount + fresh.Count - succeeded,
            RunningCount = before.RunningCount - running,
            PendingCount = before.PendingCount - (fresh.Count - running),
        };
        var completed = JobCompletion.AppendIfDone(stream, after, now);
        await session.SaveChangesAsync(ct);
        if (!completed) return;
        JobMetrics.Record("completed", stream.Aggregate!.Type);
        logger.LogInformation("Job {JobId} completed: {Statistics}", jobId, after);
    }

    private static string? Outcome(DeviceJobResult r) => new JsonObject
    {
        ["deviceMethodResponse"] = r.MethodStatus is { } status
            ? new JsonObject { ["status"] = status, ["payload"] = r.MethodPayloadJson is null ? null : JsonNode.Parse(r.MethodPayloadJson) }
            : null,
    }.ToJsonString();

    private static string? Error(DeviceJobResult r) =>
        r.ErrorCode is null ? null : new JsonObject { ["code"] = r.ErrorCode, ["description"] = r.ErrorDescription }.ToJsonString();
}

public sealed class RecordDeviceResultsDefinition : ConsumerDefinition<RecordDeviceResults>
{
    private const int MessageLimit = 50;
    private const int ConcurrencyLimit = 4;

    public RecordDeviceResultsDefinition()
    {
        Endpoint(e =>
        {
            e.Name = "record-device-results";
            // Batches are silently capped by prefetch and concurrency (MassTransit #5932): keep both above limit × concurrency.
            e.PrefetchCount = MessageLimit * ConcurrencyLimit * 2;
            e.ConcurrentMessageLimit = MessageLimit * ConcurrencyLimit;
        });
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<RecordDeviceResults> consumer, IRegistrationContext context)
    {
        consumer.Options<BatchOptions>(o => o
            .SetMessageLimit(MessageLimit)
            .SetTimeLimit(TimeSpan.FromMilliseconds(100))
            .SetConcurrencyLimit(ConcurrencyLimit)
            .GroupBy<DeviceJobsCompleted, string>(m => m.Message.JobId));
    }
}
