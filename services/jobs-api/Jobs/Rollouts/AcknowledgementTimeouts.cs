using IotHubJobs.Dispatch;
using IotHubJobs.IotHubErrors;
using MassTransit;

namespace JobsApi.Jobs.Rollouts;

/// <summary>
/// Fails the device jobs of acknowledged twin jobs whose devices did not report the desired values in time
/// (docs/rollouts.md, "Acknowledged twin jobs"): <c>AcknowledgementTimeout</c>, failure type <c>timedOut</c>, so a rollout
/// may retry them. Their claims last a margin longer, so this — not the claim's expiry — ends them.
/// </summary>
public sealed class AcknowledgementTimeouts(DeviceJobLedger ledger, IBus bus, TimeProvider clock, ILogger<AcknowledgementTimeouts> logger)
    : OverdueDeviceJobs(bus, clock, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromSeconds(1);
    protected override DeviceOperationError Error => DeviceOperationErrors.AcknowledgementTimeout;

    protected override Task<List<DeviceJobLedger.RunningDeviceJob>> FindOverdueAsync(DateTimeOffset now, int limit, CancellationToken ct) =>
        ledger.UnacknowledgedAsync(now, limit, ct);
}
