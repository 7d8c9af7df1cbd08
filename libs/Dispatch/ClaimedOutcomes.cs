using Microsoft.Extensions.Logging;
using Npgsql;

namespace IotHubJobs.Dispatch;

/// <summary>
/// Reports the outcomes of claimed device jobs for as long as their claimant lives. A publish that fails while the
/// broker is away is tried again every second, and the claim's lease is renewed before it runs out, so jobs-api never
/// declares lost an outcome that exists in a running process. It stops once the device jobs are no longer this
/// claimant's (recorded meanwhile, or failed by the job's execution deadline), or when <c>ct</c> says another delivery
/// will report them (a claimant that can answer a redelivered request from its own record passes the delivery's token).
/// </summary>
public sealed class ClaimedOutcomes(DeviceJobClaims claims, TimeProvider clock, ILogger<ClaimedOutcomes> logger)
{
    /// <summary>The lease is renewed this long before it would run out.</summary>
    private static readonly TimeSpan RenewAhead = TimeSpan.FromSeconds(5);
    /// <summary>Each renewal extends the lease by this much.</summary>
    private static readonly TimeSpan Renewal = TimeSpan.FromSeconds(30);

    public async Task ReportAsync(string jobId, DeviceJobClaims.Claim claim, string claimedBy, Func<CancellationToken, Task> publish,
        CancellationToken ct = default)
    {
        var until = claim.ClaimedUntil;
        for (var round = 1; ; round++)
        {
            try
            {
                await BrokerOutage.RetryUntilAsync(until - RenewAhead, clock, publish,
                    (e, attempt) => logger.LogWarning(e, "Reporting {Count} outcomes of job {JobId} failed (attempt {Attempt}); retrying",
                        claim.DeviceIds.Count, jobId, attempt), ct);
                return;
            }
            catch (TimeoutException)
            {
            }
            ct.ThrowIfCancellationRequested();
            try
            {
                var renewed = await claims.RenewAsync(jobId, claim.DeviceIds, claimedBy, Renewal, CancellationToken.None);
                if (renewed.DeviceIds.Count == 0)
                {
                    logger.LogWarning("Stopped reporting {Count} outcomes of job {JobId}: their device jobs ended meanwhile", claim.DeviceIds.Count, jobId);
                    return;
                }
                until = renewed.ClaimedUntil;
                logger.LogWarning("Renewed the claim on {Count} devices of job {JobId} until {Until} (round {Round}): their outcomes are not reported yet",
                    renewed.DeviceIds.Count, jobId, until, round);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                // Neither broker nor database: go on trying; jobs-api cannot declare the devices lost while it cannot write either.
                logger.LogWarning(e, "Could not renew the claim on devices of job {JobId}", jobId);
                until = clock.GetUtcNow() + RenewAhead + RenewAhead;
            }
        }
    }
}
