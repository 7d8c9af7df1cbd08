using IotHubJobs.Contracts.Jobs.Rollouts;
using IotHubJobs.Dispatch;
using Marten;

namespace JobsApi.Jobs.Rollouts;

/// <summary><c>POST /jobs/v2/{jobId}/resume</c>: a paused job dispatches again. Resuming a running job changes nothing.</summary>
public static class ResumeJob
{
    public static Task<IResult> Handle(string jobId, IDocumentSession session, DeviceJobLedger ledger, JobRetention retention, TimeProvider clock,
        CancellationToken ct) =>
        JobCommand.RunAsync(jobId, session, ledger, retention, job => job.Status switch
        {
            JobStatuses.Paused => (new JobResumed(jobId, clock.GetUtcNow()), null),
            JobStatuses.Running => (null, null),
            _ => (null, JobCommand.NotIn(job, "only a paused job can be resumed")),
        }, ct);
}
