using MassTransit;

namespace Executor.Claims;

/// <summary>
/// Publishes the outcomes of claimed device jobs. Once devices are claimed, a redelivered command finds nothing left
/// to claim, so their outcomes exist only in this process: a publish that fails while the broker is away is tried
/// again until the claim expires (after that the sweeper has failed those devices as lost, and a late outcome is ignored).
/// </summary>
public sealed class OutcomeDelivery(TimeProvider clock, ILogger<OutcomeDelivery> logger)
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    public async Task PublishAsync(IPublishEndpoint publisher, DeviceJobClaims.Claim claim, params object[] messages)
    {
        foreach (var message in messages)
        {
            for (var attempt = 1; ; attempt++)
            {
                using var untilExpiry = new CancellationTokenSource(Remaining(claim), clock);
                try
                {
                    await publisher.Publish(message, message.GetType(), untilExpiry.Token);
                    break;
                }
                catch (Exception e) when (Remaining(claim) > RetryInterval)
                {
                    logger.LogWarning(e, "Publishing {Message} failed (attempt {Attempt}); retrying until the claim expires at {ClaimedUntil}",
                        message.GetType().Name, attempt, claim.ClaimedUntil);
                    await Task.Delay(RetryInterval, clock);
                }
            }
        }
    }

    private TimeSpan Remaining(DeviceJobClaims.Claim claim) =>
        claim.ClaimedUntil - clock.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;
}
