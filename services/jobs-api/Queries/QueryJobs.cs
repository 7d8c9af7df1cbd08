using IotHubJobs.IotHubErrors;
using IotHubJobs.Dispatch;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Query;
using IotHubJobs.ServiceDefaults;
using JobsApi.Http;
using JobsApi.Jobs;
using Marten;

namespace JobsApi.Queries;

/// <summary>
/// <c>GET /jobs/v2/query[?jobType=..][&amp;jobStatus=..]</c> (docs/iothub-api.md, "Jobs v2"): a JSON array of
/// JobResponse, oldest first (createdTime, then jobId) so pages are stable while new jobs arrive at the end.
/// </summary>
public static class QueryJobs
{
    public const string ItemType = "JobResponse";

    public static async Task<IResult> Handle(HttpRequest request, IQuerySession session, DeviceJobLedger ledger, JobRetention retention,
        TimeProvider clock, CancellationToken ct)
    {
        var (paging, pagingError) = QueryPaging.Read(request, acceptQueryParameters: true);
        if (pagingError is not null) return IotHubErrorResponse.Result(pagingError);
        var (type, typeError) = JobListFilter.Type(request.Query["jobType"].ToString());
        if (typeError is not null) return IotHubErrorResponse.Result(typeError);
        var (status, statusError) = JobListFilter.Status(request.Query["jobStatus"].ToString());
        if (statusError is not null) return IotHubErrorResponse.Result(statusError);

        // A wire value this service never produces (e.g. jobType=export, jobStatus=enqueued) is valid and lists nothing.
        if (type is JobListFilter.NeverProduced || status is JobListFilter.NeverProduced)
            return new QueryPageResult(ItemType, [], null);

        var cutoff = clock.GetUtcNow() - retention.Period;
        IQueryable<JobStatus> jobs = session.Query<JobStatus>().Where(j => j.EndTime == null || j.EndTime >= cutoff);
        if (type is not null) jobs = jobs.Where(j => j.Type == type);
        if (status is not null) jobs = jobs.Where(j => j.Status == status);
        var page = await jobs
            .OrderBy(j => j.CreatedTime).ThenBy(j => j.Id)
            .Skip(paging!.Offset).Take(paging.PageSize + 1)
            .ToListAsync(ct);

        var shown = page.Take(paging.PageSize).ToList();
        // One ledger query for the whole page instead of one per running job.
        var live = await ledger.CountAsync(shown.Where(JobResponse.NeedsLiveStatistics).Select(j => j.Id).ToList(), ct);
        var items = shown
            .Select(j => JobResponse.From(j, JobResponse.NeedsLiveStatistics(j) ? live.GetValueOrDefault(j.Id, DeviceJobStatistics.Empty) : null))
            .Select(IotHubJson.Text)
            .ToList();
        var next = page.Count > paging.PageSize ? new QueryContinuation(paging.Offset + paging.PageSize).ToToken() : null;
        return new QueryPageResult(ItemType, items, next);
    }
}
