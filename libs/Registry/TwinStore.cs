using System.Text.Json.Nodes;
using IotHubJobs.DeviceTwins;
using Npgsql;

namespace IotHubJobs.Registry;

/// <summary>
/// Batch read-modify-write of twins in <c>registry.devices</c>: one transaction locks and loads up to
/// <see cref="MaxBatch"/> twins (<c>select … for update</c>, in device-id order so concurrent batches cannot deadlock),
/// runs the caller's in-memory change, and writes every changed twin back with one <c>update … from unnest(…)</c>.
/// </summary>
public sealed class TwinStore(NpgsqlDataSource dataSource)
{
    public const int MaxBatch = 1000;

    public async Task<T> UpdateAsync<T>(IReadOnlyCollection<string> deviceIds, Func<LockedTwins, T> change, CancellationToken ct)
    {
        var ids = deviceIds.Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length > MaxBatch) throw new ArgumentOutOfRangeException(nameof(deviceIds), $"At most {MaxBatch} twins per batch.");

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var locked = new LockedTwins(await LockAsync(conn, tx, ids, ct));
        var result = change(locked);
        if (locked.Changed.Count > 0) await WriteAsync(conn, tx, locked.Changed, ct);
        await tx.CommitAsync(ct);
        return result;
    }

    private static async Task<Dictionary<string, JsonObject>> LockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string[] ids, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "select device_id, twin::text from registry.devices where device_id = any($1) order by device_id for update", conn, tx);
        cmd.Parameters.AddWithValue(ids);
        var twins = new Dictionary<string, JsonObject>(ids.Length, StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            twins[reader.GetString(0)] = JsonNode.Parse(reader.GetString(1))!.AsObject();
        return twins;
    }

    private static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyDictionary<string, JsonObject> twins, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            update registry.devices d set twin = u.twin::jsonb
              from unnest($1::text[], $2::text[]) as u(device_id, twin)
             where d.device_id = u.device_id
            """, conn, tx);
        cmd.Parameters.AddWithValue(twins.Keys.ToArray());
        cmd.Parameters.AddWithValue(twins.Values.Select(t => t.ToJsonString()).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
