using IotHubJobs.Registry;
using Npgsql;

namespace IotHubJobs.Presence;

/// <summary>
/// The live device-gateway instances (<c>presence.instances</c>): each proves it lives by a heartbeat, and any survivor
/// clears the presence rows of one whose heartbeat went stale — its devices become Disconnected, never left Connected
/// after a crash (docs/devices.md, "Presence and routing").
/// </summary>
public sealed class GatewayInstances(NpgsqlDataSource dataSource, DeviceConnections registry, PresenceOptions options, TimeProvider clock)
{
    /// <summary>
    /// An instance starts: devices its previous run held (a crash, then a restart under the same name) are no longer
    /// connected; then its heartbeat row is written. Returns how many devices were cleared.
    /// </summary>
    public async Task<int> StartAsync(string instance, string queue, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var cleared = await ClearAsync(conn, tx, [instance], now, ct);
        await using (var cmd = new NpgsqlCommand("""
            insert into presence.instances (instance, queue, started_at, heartbeat_at) values ($1, $2, $3, $3)
            on conflict (instance) do update set queue = excluded.queue, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(instance);
            cmd.Parameters.AddWithValue(queue);
            cmd.Parameters.AddWithValue(now.UtcDateTime);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return cleared;
    }

    public async Task BeatAsync(string instance, string queue, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var cmd = dataSource.CreateCommand("""
            insert into presence.instances (instance, queue, started_at, heartbeat_at) values ($1, $2, $3, $3)
            on conflict (instance) do update set heartbeat_at = excluded.heartbeat_at
            """);
        cmd.Parameters.AddWithValue(instance);
        cmd.Parameters.AddWithValue(queue);
        cmd.Parameters.AddWithValue(now.UtcDateTime);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>An instance that stops cleanly says so: its devices are Disconnected at once rather than after the stale limit.</summary>
    public async Task StopAsync(string instance, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await ClearAsync(conn, tx, [instance], clock.GetUtcNow(), ct);
        await using (var cmd = new NpgsqlCommand("delete from presence.instances where instance = $1", conn, tx))
        {
            cmd.Parameters.AddWithValue(instance);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>Clears every instance whose heartbeat is older than the stale limit; returns the instances and how many devices they held.</summary>
    public async Task<(IReadOnlyList<string> Instances, int Devices)> ClearDeadAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var dead = new List<string>();
        // skip locked: two survivors sweeping at once take disjoint dead instances instead of waiting for each other
        await using (var cmd = new NpgsqlCommand(
            "select instance from presence.instances where heartbeat_at < $1 for update skip locked", conn, tx))
        {
            cmd.Parameters.AddWithValue((now - options.StaleAfter).UtcDateTime);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) dead.Add(reader.GetString(0));
        }
        if (dead.Count == 0) return ([], 0);
        var devices = await ClearAsync(conn, tx, dead, now, ct);
        await using (var cmd = new NpgsqlCommand("delete from presence.instances where instance = any($1)", conn, tx))
        {
            cmd.Parameters.AddWithValue(dead.ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return (dead, devices);
    }

    private async Task<int> ClearAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<string> instances, DateTimeOffset at, CancellationToken ct)
    {
        var devices = new List<string>();
        await using (var cmd = new NpgsqlCommand("delete from presence.connections where instance = any($1) returning device_id", conn, tx))
        {
            cmd.Parameters.AddWithValue(instances.ToArray());
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) devices.Add(reader.GetString(0));
        }
        await registry.RecordDisconnectedAsync(conn, tx, devices, at, ct);
        return devices.Count;
    }
}
