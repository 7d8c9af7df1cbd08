using DeviceGateway.Connections;
using DeviceGateway.Mqtt;
using IotHubJobs.Presence;
using MQTTnet.Protocol;
using Npgsql;

namespace DeviceGateway.Presence;

/// <summary>
/// Writes the devices' latest activity in one batch every <c>DeviceGateway:ActivityFlushSeconds</c> (default 5), not per
/// packet (docs/devices.md, "Presence and routing"). A device whose presence row now names another connection connected
/// again elsewhere (another instance): this instance drops its old connection, as IoT Hub allows one per device.
/// </summary>
public sealed class ActivityFlush(ConnectedDevices devices, DevicePresence presence, ConnectionTracker tracker, DeviceGatewayOptions options,
    TimeProvider clock, ILogger<ActivityFlush> logger) : BackgroundService
{
    private readonly Dictionary<Guid, DateTimeOffset> _written = [];

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.ActivityFlushInterval, clock);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                await FlushAsync(ct);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(e, "Device activity could not be written; trying again at the next flush");
            }
        }
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        // Only connections already recorded in presence: one still being recorded would look held elsewhere and be
        // dropped (seen in ./bench.sh --transport mqtt, when a connect burst made the presence writes slow).
        var live = devices.All.Where(c => c.InPresence).ToList();
        var changed = live.Where(c => !_written.TryGetValue(c.ConnectionId, out var at) || at < c.LastActivity)
            .GroupBy(c => c.DeviceId).Select(g => g.Last())
            .ToDictionary(c => c.DeviceId, c => (c.ConnectionId, At: c.LastActivity), StringComparer.Ordinal);
        var elsewhere = await presence.RecordActivityAsync(changed, ct);
        var liveIds = live.Select(c => c.ConnectionId).ToHashSet();
        foreach (var gone in _written.Keys.Where(id => !liveIds.Contains(id)).ToList()) _written.Remove(gone);
        foreach (var (_, (connectionId, at)) in changed) _written[connectionId] = at;
        foreach (var deviceId in elsewhere)
        {
            // Only the connection that was checked: a newer one of the device here (it reconnected meanwhile) stays.
            if (!devices.TryGet(deviceId, out var connection) || connection.ConnectionId != changed[deviceId].ConnectionId) continue;
            logger.LogInformation("{DeviceId} connected again elsewhere; its connection here ends", deviceId);
            devices.Remove(deviceId, connection.ConnectionId);
            await tracker.DisconnectAsync(deviceId, MqttDisconnectReasonCode.SessionTakenOver);
        }
    }
}
