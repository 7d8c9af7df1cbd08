using IotHubJobs.Registry;
using Npgsql;

namespace IotHubJobs.Presence;

/// <summary>
/// Who holds each device's connection (<c>presence.connections</c>), kept in step with the twin's and identity's
/// connection state (libs/Registry <see cref="DeviceConnections"/>) in one transaction, and the routing question the
/// executor and jobs-api ask: which live instance's queue reaches a device (docs/devices.md, "Presence and routing").
/// </summary>
public sealed class DevicePresence(NpgsqlDataSource dataSource, DeviceConnections registry, PresenceOptions options, TimeProvider clock)
{
    /// <summary>
    /// device id → the queue of the live instance holding its connection, for connected devices only (a device whose
    /// holder stopped its heartbeat is left out: it is not reachable, whatever its row says).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> HolderQueuesAsync(IReadOnlyCollection<string> deviceIds, CancellationToken ct)
    {
        var holders = new Dictionary<string, string>(StringComparer.Ordinal);
        if (deviceIds.Count == 0) return holders;
        await using var cmd = dataSource.CreateCommand("""
            select c.device_id, i.queue from presence.connections c join presence.instances i on i.instance = c.instance
             where c.device_id = any($1) and i.heartbeat_at > $2
            """);
        cmd.Parameters.AddWithValue(deviceIds.Distinct(StringComparer.Ordinal).ToArray());
        cmd.Parameters.AddWithValue((clock.GetUtcNow() - options.StaleAfter).UtcDateTime);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) holders[reader.GetString(0)] = reader.GetString(1);
        return holders;
    }

    /// <summary>This instance now holds the device's connection (taking it over from wherever it was); the device is Connected.</summary>
    public async Task ConnectedAsync(string deviceId, string instance, Guid connectionId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("""
            insert into presence.connections (device_id, instance, connection_id, connected_at, last_activity_at)
            values ($1, $2, $3, $4, $4)
            on conflict (device_id) do update set instance = excluded.instance, connection_id = excluded.connection_id,
                connected_at = excluded.connected_at, last_activity_at = excluded.last_activity_at
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(deviceId);
            cmd.Parameters.AddWithValue(instance);
            cmd.Parameters.AddWithValue(connectionId);
            cmd.Parameters.AddWithValue(now.UtcDateTime);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await registry.RecordConnectedAsync(conn, tx, [deviceId], now, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// The connection ended. Only if it is still the one on record (not replaced by a reconnect, here or at another
    /// instance) is the row removed and the device Disconnected.
    /// </summary>
    public async Task DisconnectedAsync(string deviceId, Guid connectionId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("delete from presence.connections where device_id = $1 and connection_id = $2", conn, tx))
        {
            cmd.Parameters.AddWithValue(deviceId);
            cmd.Parameters.AddWithValue(connectionId);
            if (await cmd.ExecuteNonQueryAsync(ct) == 0)
            {
                await tx.RollbackAsync(ct);
                return;
            }
        }
        await registry.RecordDisconnectedAsync(conn, tx, [deviceId], now, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// The latest activity of devices this instance holds, in one batch; returns the devices among them whose row now
    /// names another connection (taken over elsewhere), which the caller should drop.
    /// </summary>
    public async Task<IReadOnlyList<string>> RecordActivityAsync(IReadOnlyDictionary<string, (Guid ConnectionId, DateTimeOffset At)> activity, CancellationToken ct)
    {
        if (activity.Count == 0) return [];
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var held = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("""
            update presence.connections c set last_activity_at = greatest(c.last_activity_at, a.at)
              from unnest($1::text[], $2::uuid[], $3::timestamptz[]) as a(device_id, connection_id, at)
             where c.device_id = a.device_id and c.connection_id = a.connection_id
            returning c.device_id
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(activity.Keys.ToArray());
            cmd.Parameters.AddWithValue(activity.Values.Select(a => a.ConnectionId).ToArray());
            cmd.Parameters.AddWithValue(activity.Values.Select(a => a.At.UtcDateTime).ToArray());
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) held.Add(reader.GetString(0));
        }
        await registry.RecordActivityAsync(conn, tx, activity.Where(a => held.Contains(a.Key)).ToDictionary(a => a.Key, a => a.Value.At, StringComparer.Ordinal), ct);
        await tx.CommitAsync(ct);
        return activity.Keys.Where(id => !held.Contains(id)).ToList();
    }
}
