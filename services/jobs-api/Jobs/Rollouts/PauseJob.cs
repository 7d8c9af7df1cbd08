using IotHubJobs.Contracts.Jobs.Rollouts;
using IotHubJobs.Dispatch;
using Marten;

namespace JobsApi.Jobs.Rollouts;

/// <summary>
/// <c>POST /jobs/v2/{jobId}/pause</c>: a running job dispatches nothing more until resumed; devices already running
/// finish. Its maxExecutionTimeInSeconds keeps running (docs/rollouts.md, "Pause and resume"). Pausing a paused job
/// changes nothing.
/// </summary>
public static class PauseJob
{
    public static Task<IResult> Handle(string jobId, IDocumentSession session, DeviceJobLedger ledger, JobRetention retention, TimeProvider clock,
        CancellationToken ct) =>
        JobCommand.RunAsync(jobId, session, ledger, retention, job => job.Status switch
        {
            JobStatuses.Running => (new JobPaused(jobId, "Paused by an operator.", clock.GetUtcNow()), null),
            JobStatuses.Paused => (null, null),
            _ => (null, JobCommand.NotIn(job, "only a running job can be paused")),
        }, ct);
}
