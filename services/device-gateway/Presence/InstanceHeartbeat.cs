using IotHubJobs.Presence;
using Npgsql;

namespace DeviceGateway.Presence;

/// <summary>
/// Keeps this instance alive in presence (docs/devices.md, "Presence and routing"): at start it clears what a previous
/// run under the same name left; then it beats every <c>Presence:HeartbeatSeconds</c> and, as any survivor does, clears
/// the devices of instances whose heartbeat went stale (killed, or cut off from the database), so no device stays
/// Connected after its holder crashed. A clean stop clears its own devices at once.
/// </summary>
public sealed class InstanceHeartbeat(GatewayInstances instances, PresenceOptions presence, DeviceGatewayOptions options, TimeProvider clock,
    ILogger<InstanceHeartbeat> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken ct)
    {
        var cleared = await instances.StartAsync(options.InstanceId, options.CallQueue, ct);
        if (cleared > 0) logger.LogWarning("Cleared {Count} devices a previous run of {Instance} held", cleared, options.InstanceId);
        await base.StartAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(presence.HeartbeatInterval, clock);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                await instances.BeatAsync(options.InstanceId, options.CallQueue, ct);
                var (dead, devices) = await instances.ClearDeadAsync(ct);
                if (dead.Count > 0)
                    logger.LogWarning("Instances {Instances} stopped beating; their {Count} devices are Disconnected", string.Join(", ", dead), devices);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(e, "Heartbeat failed; trying again in {Interval}", presence.HeartbeatInterval);
            }
        }
    }

    public override async Task StopAsync(CancellationToken ct)
    {
        await base.StopAsync(ct);
        try
        {
            await instances.StopAsync(options.InstanceId, ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            logger.LogWarning(e, "Could not clear this instance's presence; survivors will once its heartbeat is stale");
        }
    }
}
