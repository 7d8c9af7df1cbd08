using IotHubJobs.ServiceDefaults;
using MassTransit;

namespace Executor.Claims;

/// <summary>
/// Publishes the outcomes of claimed device jobs. Once devices are claimed, a redelivered command finds nothing left
/// to claim, so their outcomes exist only in this process: a publish that fails while the broker is away is tried
/// again until the claim expires (after that the sweeper has failed those devices as lost, and a late outcome is ignored).
/// </summary>
public sealed class OutcomeDelivery(TimeProvider clock, ILogger<OutcomeDelivery> logger)
{
    public async Task PublishAsync(IPublishEndpoint publisher, DeviceJobClaims.Claim claim, params object[] messages)
    {
        foreach (var message in messages)
        {
            try
            {
                await BrokerOutage.RetryUntilAsync(claim.ClaimedUntil, clock, token => publisher.Publish(message, message.GetType(), token),
                    (e, attempt) => logger.LogWarning(e, "Publishing {Message} failed (attempt {Attempt}); retrying until the claim expires at {ClaimedUntil}",
                        message.GetType().Name, attempt, claim.ClaimedUntil));
            }
            catch (TimeoutException e)
            {
                logger.LogError(e, "Gave up publishing {Message}: the claim expired at {ClaimedUntil}", message.GetType().Name, claim.ClaimedUntil);
                return;
            }
        }
    }
}
