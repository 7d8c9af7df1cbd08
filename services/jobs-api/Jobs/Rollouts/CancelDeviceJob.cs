using IotHubJobs.Contracts.Jobs.Rollouts;
using IotHubJobs.Dispatch;
using IotHubJobs.IotHubErrors;
using IotHubJobs.ServiceDefaults;
using JobsApi.Http;
using Marten;

namespace JobsApi.Jobs.Rollouts;

/// <summary>
/// <c>POST /jobs/v2/{jobId}/devices/{deviceId}/cancel</c>: that device's pending work in the job becomes canceled and
/// is never dispatched (docs/rollouts.md, "Cancel one device"). Work a device already started finishes; cancelling it
/// again answers the same. The ledger decides atomically, so an executor's claim and the cancel never both win; the
/// job's stream then records it, and completes the job when that was the last unfinished device.
/// </summary>
public static class CancelDeviceJob
{
    public static async Task<IResult> Handle(string jobId, string deviceId, IQuerySession session, DeviceJobLedger ledger, JobWriter writer,
        JobRetention retention, TimeProvider clock, CancellationToken ct)
    {
        var job = await session.LoadAsync<JobStatus>(jobId, ct);
        if (job is null || retention.IsExpired(job)) return GetJob.NotFound(jobId);
        var now = clock.GetUtcNow();
        var cancel = await ledger.CancelPendingAsync(jobId, deviceId, now, ct);
        if (cancel is not { } outcome)
            return IotHubErrorResponse.Result(IotHubError.DeviceNotFound,
                $"Device '{ClientText.Shorten(deviceId, 128, marker: "")}' has no device job in job '{jobId}' (yet: a job's devices are known once it started).");
        if (outcome.Status != DeviceJobStatus.Canceled)
            return IotHubErrorResponse.Result(IotHubError.PreconditionFailed,
                $"The device job of '{ClientText.Shorten(deviceId, 128, marker: "")}' is {outcome.Status}: only pending work can be canceled.");

        // Also when it was canceled before: a crash after the ledger's cancel must not leave the job uncompleted.
        var after = await writer.WriteAsync(jobId, async _ =>
            new JobFacts(outcome.CanceledNow ? [new DeviceJobCanceled(jobId, deviceId, now)] : [], [], await ledger.CountAsync(jobId, ct)), ct);
        return IotHubJson.Ok(await GetJob.ToResponseAsync(after ?? job, ledger, ct));
    }
}
