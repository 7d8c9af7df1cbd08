using IotHubJobs.Dispatch;
using IotHubJobs.IotHubErrors;
using JobsApi.Http;
using Marten;

namespace JobsApi.Jobs.Rollouts;

/// <summary>
/// The shape of an operator's command on a job (pause, resume, approve): under the stream's row lock, the decision on
/// the current document yields the event to record or a refusal; the answer is the JobResponse afterwards.
/// </summary>
public static class JobCommand
{
    public static async Task<IResult> RunAsync(string jobId, IDocumentSession session, DeviceJobLedger ledger, JobRetention retention,
        Func<JobStatus, (object? Event, IotHubRefusal? Refusal)> decide, CancellationToken ct)
    {
        var stream = await session.Events.FetchForExclusiveWriting<JobStatus>(jobId, ct);
        if (stream.Aggregate is not { } job || retention.IsExpired(job)) return GetJob.NotFound(jobId);
        var (e, refusal) = decide(job);
        if (refusal is not null) return IotHubErrorResponse.Result(refusal);
        if (e is not null)
        {
            stream.AppendOne(e);
            await session.SaveChangesAsync(ct);
            job = await session.LoadAsync<JobStatus>(jobId, ct) ?? job;
        }
        return IotHubJson.Ok(await GetJob.ToResponseAsync(job, ledger, ct));
    }

    public static IotHubRefusal NotIn(JobStatus job, string what) =>
        new(IotHubError.PreconditionFailed, $"Job '{job.Id}' is {job.Status}: {what}.");
}
