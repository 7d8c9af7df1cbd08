using IotHubJobs.DeviceTwins;
using Npgsql;

namespace IotHubJobs.Registry;

/// <summary>
/// What the device gateway reads and writes in <c>registry.identities</c> and <c>registry.devices</c> (owned here,
/// Database/registry.sql): the
/// credentials a device connects with, and the connection fields of identity and twin — <c>connectionState</c>,
/// <c>connectionStateUpdatedTime</c> (identity only) and <c>lastActivityTime</c> (docs/iothub-api.md, "Device twins"
/// and "Device registry"). The state changes run in the caller's transaction, so they commit with the presence row
/// they follow (libs/Presence). None of them changes an etag or a version: IoT Hub's do not either. Each writes a
/// device's twin before its identity, as every statement of DeviceRegistry does, so two of them never wait for each other
/// in opposite orders.
/// </summary>
public sealed class DeviceConnections(NpgsqlDataSource dataSource)
{
    /// <summary>A device's status and keys, read at every CONNECT (a regenerated key counts from the next one).</summary>
    public sealed record Credentials(string DeviceId, bool Enabled, string? PrimaryKey, string? SecondaryKey);

    public async Task<Credentials?> CredentialsAsync(string deviceId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            select identity->>'status', identity->'authentication'->'symmetricKey'->>'primaryKey',
                   identity->'authentication'->'symmetricKey'->>'secondaryKey'
              from registry.identities where device_id = $1
            """);
        cmd.Parameters.AddWithValue(deviceId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new Credentials(deviceId, (reader.IsDBNull(0) ? "enabled" : reader.GetString(0)) == "enabled",
            reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    /// <summary>Connected since <paramref name="at"/>, which is also the device's latest activity.</summary>
    public async Task RecordConnectedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<string> deviceIds, DateTimeOffset at, CancellationToken ct)
    {
        if (deviceIds.Count == 0) return;
        await using var cmd = new NpgsqlCommand("""
            with twins as (
                update registry.devices set twin = twin || jsonb_build_object('connectionState', 'Connected', 'lastActivityTime', $2::text)
                 where device_id = any($1) returning device_id)
            update registry.identities i
               set identity = identity || jsonb_build_object('connectionState', 'Connected', 'connectionStateUpdatedTime', $2::text, 'lastActivityTime', $2::text)
              from twins where i.device_id = twins.device_id
            """, conn, tx);
        cmd.Parameters.AddWithValue(deviceIds.ToArray());
        cmd.Parameters.AddWithValue(TwinTime.Format(at));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task RecordDisconnectedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<string> deviceIds, DateTimeOffset at, CancellationToken ct)
    {
        if (deviceIds.Count == 0) return;
        await using var cmd = new NpgsqlCommand("""
            with twins as (
                update registry.devices set twin = twin || jsonb_build_object('connectionState', 'Disconnected')
                 where device_id = any($1) returning device_id)
            update registry.identities i
               set identity = identity || jsonb_build_object('connectionState', 'Disconnected', 'connectionStateUpdatedTime', $2::text)
              from twins where i.device_id = twins.device_id
            """, conn, tx);
        cmd.Parameters.AddWithValue(deviceIds.ToArray());
        cmd.Parameters.AddWithValue(TwinTime.Format(at));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The latest activity of many devices at once (never moved backwards): written in batches, not per packet.</summary>
    public async Task RecordActivityAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyDictionary<string, DateTimeOffset> lastActivity, CancellationToken ct)
    {
        if (lastActivity.Count == 0) return;
        await using var cmd = new NpgsqlCommand("""
            with later as (
                update registry.devices d set twin = twin || jsonb_build_object('lastActivityTime', a.at)
                  from unnest($1::text[], $2::text[]) as a(device_id, at)
                 where d.device_id = a.device_id and coalesce(d.twin->>'lastActivityTime', '') < a.at
                returning d.device_id, a.at)
            update registry.identities i set identity = identity || jsonb_build_object('lastActivityTime', later.at)
              from later where i.device_id = later.device_id and coalesce(i.identity->>'lastActivityTime', '') < later.at
            """, conn, tx);
        cmd.Parameters.AddWithValue(lastActivity.Keys.ToArray());
        cmd.Parameters.AddWithValue(lastActivity.Values.Select(TwinTime.Format).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
