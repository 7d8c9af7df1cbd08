using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Dispatch;
using IotHubJobs.IotHubErrors;
using MassTransit;
using Npgsql;

namespace JobsApi.Jobs;

/// <summary>
/// Fails device jobs whose claim expired without a result: whoever claimed them (the holder calling a device, an
/// executor updating a twin) stopped, or could not report before its lease ran out. They are not retried: the device
/// may already have run the method, and a second invocation is worse than an honest failure.
/// </summary>
public sealed class StaleClaimSweeper(DeviceJobLedger ledger, IBus bus, TimeProvider clock, ILogger<StaleClaimSweeper> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    /// <summary>Claimants report until their lease ends; a result published just then still needs a moment to be recorded.</summary>
    public static readonly TimeSpan RecordingMargin = TimeSpan.FromSeconds(5);

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
                logger.LogWarning(e, "Stale claim sweep failed; retrying in {Interval}", Interval);
            }
        }
    }

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        JobMetrics.SetBacklog(await ledger.PendingCountAsync(ct));
        var now = clock.GetUtcNow();
        var stale = await ledger.ExpiredClaimsAsync(now - RecordingMargin, 5000, ct);
        foreach (var job in stale.GroupBy(s => s.JobId))
            foreach (var chunk in job.Chunk(500))
                await bus.Publish(new DeviceJobsCompleted(job.Key, chunk.Select(s => new DeviceJobResult(s.DeviceId, false, s.StartedAt, now,
                    null, null, DeviceOperationErrors.ClaimExpired.Code, DeviceOperationErrors.ClaimExpired.Description, s.Attempt)).ToList()), ct);
        if (stale.Count > 0) logger.LogWarning("Failed {Count} device jobs whose claim expired without a result", stale.Count);
        return stale.Count;
    }
}
