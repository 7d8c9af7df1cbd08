using Npgsql;

namespace DeviceGateway.Methods;

/// <summary>
/// Calls made outside jobs belong to no job whose expiry would remove them: they are kept for the same retention
/// period as job history (<c>Jobs:RetentionDays</c>), then deleted by this hourly sweep.
/// </summary>
public sealed class DirectCallRetention(GatewayCallLog log, TimeProvider clock, IConfiguration configuration, ILogger<DirectCallRetention> logger)
    : BackgroundService
{
    private readonly TimeSpan _period = TimeSpan.FromDays(configuration.GetValue("Jobs:RetentionDays", 30.0));
    private readonly TimeSpan _interval = TimeSpan.FromMinutes(configuration.GetValue("Jobs:RetentionSweepMinutes", 60.0));

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_interval, clock);
        do
        {
            try
            {
                var removed = await log.ForgetDirectCallsAsync(clock.GetUtcNow() - _period, ct);
                if (removed > 0) logger.LogInformation("Removed {Count} records of direct calls older than {Period}", removed, _period);
            }
            catch (NpgsqlException e)
            {
                logger.LogWarning(e, "Direct call retention sweep failed; retrying at the next interval");
            }
        } while (await timer.WaitForNextTickAsync(ct));
    }
}
