using IotHubJobs.Dispatch;
using IotHubJobs.IotHubErrors;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.ServiceDefaults;
using JobsApi.Http;
using Marten;

namespace JobsApi.Jobs;

/// <summary><c>GET /jobs/v2/{jobId}</c>.</summary>
public static class GetJob
{
    public static async Task<IResult> Handle(string jobId, IQuerySession session, DeviceJobLedger ledger, JobRetention retention, CancellationToken ct)
    {
        var job = await session.LoadAsync<JobStatus>(jobId, ct);
        if (job is null || retention.IsExpired(job)) return NotFound(jobId);
        return IotHubJson.Ok(await ToResponseAsync(job, ledger, ct));
    }

    public static async Task<System.Text.Json.Nodes.JsonObject> ToResponseAsync(JobStatus job, DeviceJobLedger ledger, CancellationToken ct)
    {
        DeviceJobStatistics? live = null;
        if (JobResponse.NeedsLiveStatistics(job)) live = await ledger.CountAsync(job.Id, ct);
        return JobResponse.From(job, live);
    }

    public static IResult NotFound(string jobId) =>
        IotHubErrorResponse.Result(IotHubError.JobNotFound, $"Job '{ClientText.Shorten(jobId, 80, marker: "")}' was not found.");
}
