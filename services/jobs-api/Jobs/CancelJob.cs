using IotHubJobs.Dispatch;
using IotHubJobs.Contracts.Jobs;
using JobsApi.Http;
using Marten;

namespace JobsApi.Jobs;

/// <summary>
/// <c>POST /jobs/v2/{jobId}/cancel</c>. A queued, scheduled or running job becomes <c>cancelled</c> at once;
/// the scheduler then stops dispatching. Cancelling a finished job changes nothing and answers it unchanged.
/// </summary>
public static class CancelJob
{
    public static async Task<IResult> Handle(string jobId, IDocumentSession session, DeviceJobLedger ledger, JobRetention retention,
        TimeProvider clock, CancellationToken ct)
    {
        var stream = await session.Events.FetchForExclusiveWriting<JobStatus>(jobId, ct);
        if (stream.Aggregate is not { } job || retention.IsExpired(job)) return GetJob.NotFound(jobId);
        if (!job.IsFinished)
        {
            stream.AppendOne(new JobCancelled(jobId, clock.GetUtcNow()));
            await session.SaveChangesAsync(ct);
            JobMetrics.Record("cancelled", job.Type);
            job = await session.LoadAsync<JobStatus>(jobId, ct) ?? job;
        }
        return IotHubJson.Ok(await GetJob.ToResponseAsync(job, ledger, ct));
    }
}
