using System.Threading.RateLimiting;
using DeviceGateway.Connections;
using IotHubJobs.Presence;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Npgsql;

namespace DeviceGateway.Mqtt;

/// <summary>
/// Follows the connections (docs/devices.md, "Presence and routing"): a device that connects becomes Connected, held by
/// this instance, and its connection ends when its token does; one that disconnects — cleanly, by dropping, or silent
/// for 1.5 × its keep-alive, which MQTTnet notices — becomes Disconnected. A takeover (the same device connecting again)
/// ends nothing: the new connection carries on.
/// </summary>
public sealed class ConnectionTracker(ConnectedDevices devices, PendingConnects pending, DevicePresence presence, DeviceGatewayOptions options,
    TimeProvider clock, ILogger<ConnectionTracker> logger)
{
    private MqttServer? _server;

    public void Attach(MqttServer server)
    {
        _server = server;
        server.ClientConnectedAsync += ConnectedAsync;
        server.ClientDisconnectedAsync += DisconnectedAsync;
        server.SessionDeletedAsync += e =>
        {
            devices.ForgetSession(e.Id);
            return Task.CompletedTask;
        };
    }

    private async Task ConnectedAsync(ClientConnectedEventArgs e)
    {
        var expiresAt = pending.Take(e.ClientId) ?? clock.GetUtcNow();
        var connection = new DeviceConnection(e.ClientId, Guid.NewGuid(), e.RemoteEndPoint?.ToString() ?? "", expiresAt, PublishBudget(), clock.GetUtcNow());
        devices.Add(connection);
        _ = EndAtTokenExpiryAsync(connection);
        try
        {
            await presence.ConnectedAsync(e.ClientId, options.InstanceId, connection.ConnectionId, CancellationToken.None);
            connection.RecordedInPresence();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // Not reachable for calls routed by presence, and not shown Connected: better dropped, so the device tries again.
            logger.LogWarning(ex, "Presence of {DeviceId} could not be recorded; disconnecting it", e.ClientId);
            await DisconnectAsync(e.ClientId, MqttDisconnectReasonCode.ServerBusy);
        }
    }

    private async Task DisconnectedAsync(ClientDisconnectedEventArgs e)
    {
        if (e.DisconnectType == MqttClientDisconnectType.Takeover) return;
        // Only the connection that ended: a newer one of the same device (it reconnected) is left alone.
        if (!devices.TryGet(e.ClientId, out var connection) || connection.Remote != (e.RemoteEndPoint?.ToString() ?? "")) return;
        var connectionId = connection.ConnectionId;
        if (!devices.Remove(e.ClientId, connectionId)) return;
        try
        {
            await presence.DisconnectedAsync(e.ClientId, connectionId, CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // The row stays until this instance stops or dies; the next connect of the device replaces it.
            logger.LogWarning(ex, "The disconnect of {DeviceId} could not be recorded", e.ClientId);
        }
    }

    /// <summary>IoT Hub ends the connection of a device whose token expired; the SDKs connect again with a new one.</summary>
    private async Task EndAtTokenExpiryAsync(DeviceConnection connection)
    {
        try
        {
            // Waits again for what is left whenever a timer fires before the clock reached the expiry (timers may fire a
            // little early): waiting a whole day then would keep an expired token connected.
            for (var left = connection.ExpiresAt - clock.GetUtcNow(); left > TimeSpan.Zero; left = connection.ExpiresAt - clock.GetUtcNow())
                await Task.Delay(left < TimeSpan.FromDays(1) ? left : TimeSpan.FromDays(1), clock, connection.Closed.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        if (devices.TryGet(connection.DeviceId, out var current) && current.ConnectionId == connection.ConnectionId)
        {
            logger.LogInformation("The token of {DeviceId} expired; its connection ends", connection.DeviceId);
            await DisconnectAsync(connection.DeviceId, MqttDisconnectReasonCode.NotAuthorized);
        }
    }

    public async Task DisconnectAsync(string deviceId, MqttDisconnectReasonCode reason)
    {
        try
        {
            if (_server is not null) await _server.DisconnectClientAsync(deviceId, reason);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            logger.LogDebug(ex, "{DeviceId} was gone before it could be disconnected", deviceId);
        }
    }

    private RateLimiter PublishBudget() => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
    {
        TokenLimit = options.PublishesPerSecond,
        TokensPerPeriod = options.PublishesPerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    });
}
