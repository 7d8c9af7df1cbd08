using IotHubJobs.Contracts.Jobs.Rollouts;
using IotHubJobs.Dispatch;
using Marten;

namespace JobsApi.Jobs.Rollouts;

/// <summary>
/// <c>POST /jobs/v2/{jobId}/approve</c>: lets a rollout go on to its next wave when the finished one waits for
/// approval (<c>requiresApproval</c>). Nothing to approve is a refusal, so an early click is not taken for later.
/// </summary>
public static class ApproveWave
{
    public static Task<IResult> Handle(string jobId, IDocumentSession session, DeviceJobLedger ledger, JobRetention retention, TimeProvider clock,
        CancellationToken ct) =>
        JobCommand.RunAsync(jobId, session, ledger, retention, job => job is { AwaitingApproval: true, CurrentWave: { } wave } && !job.IsFinished
            ? (new RolloutWaveApproved(jobId, wave, clock.GetUtcNow()), null)
            : (null, JobCommand.NotIn(job, "no wave of it waits for approval")), ct);
}
