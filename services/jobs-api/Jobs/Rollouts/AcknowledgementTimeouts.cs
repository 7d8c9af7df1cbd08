using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Dispatch;
using IotHubJobs.IotHubErrors;
using MassTransit;
using Npgsql;

namespace JobsApi.Jobs.Rollouts;

/// <summary>
/// Fails the device jobs of acknowledged twin jobs whose devices did not report the desired values in time
/// (docs/rollouts.md, "Acknowledged twin jobs"): <c>AcknowledgementTimeout</c>, failure type <c>timedOut</c>, so a rollout
/// may retry them. Their claims last a margin longer, so this — not the claim's expiry — ends them.
/// </summary>
public sealed class AcknowledgementTimeouts(DeviceJobLedger ledger, IBus bus, TimeProvider clock, ILogger<AcknowledgementTimeouts> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                await SweepAsync(ct);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or MassTransitException)
            {
                logger.LogWarning(e, "Acknowledgement timeout sweep failed; retrying in {Interval}", Interval);
            }
        }
    }

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var late = await ledger.UnacknowledgedAsync(now, 5000, ct);
        var error = DeviceOperationErrors.AcknowledgementTimeout;
        foreach (var job in late.GroupBy(a => a.JobId))
            foreach (var chunk in job.Chunk(500))
                await bus.Publish(new DeviceJobsCompleted(job.Key, chunk.Select(a =>
                    new DeviceJobResult(a.DeviceId, false, a.StartedAt, now, null, null, error.Code, error.Description, a.Attempt)).ToList()), ct);
        if (late.Count > 0) logger.LogInformation("{Count} device jobs were not acknowledged in time", late.Count);
        return late.Count;
    }
}
