using IotHubJobs.Dispatch;
using IotHubJobs.IotHubErrors;
using MassTransit;

namespace JobsApi.Jobs;

/// <summary>
/// Fails device jobs whose claim expired without a result: whoever claimed them (the holder calling a device, an
/// executor updating a twin) stopped, or could not report before its lease ran out. They are not retried: the device
/// may already have run the method, and a second invocation is worse than an honest failure.
/// </summary>
public sealed class StaleClaimSweeper(DeviceJobLedger ledger, IBus bus, TimeProvider clock, ILogger<StaleClaimSweeper> logger)
    : OverdueDeviceJobs(bus, clock, logger)
{
    /// <summary>Claimants report until their lease ends; a result published just then still needs a moment to be recorded.</summary>
    public static readonly TimeSpan RecordingMargin = TimeSpan.FromSeconds(5);

    protected override TimeSpan Interval => TimeSpan.FromSeconds(5);
    protected override DeviceOperationError Error => DeviceOperationErrors.ClaimExpired;

    protected override async Task<List<DeviceJobLedger.RunningDeviceJob>> FindOverdueAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        // The dispatch backlog metric rides on this sweep's tick: one count of pending device jobs every 5 s.
        JobMetrics.SetBacklog(await ledger.PendingCountAsync(ct));
        return await ledger.ExpiredClaimsAsync(now - RecordingMargin, limit, ct);
    }
}
