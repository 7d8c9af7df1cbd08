using System.Text.Json.Nodes;
using Npgsql;

namespace IotHubJobs.Registry;

/// <summary>
/// Batch read-modify-write of twins in <c>registry.devices</c>: one transaction locks and loads up to
/// <see cref="MaxBatch"/> twins (<c>select … for update</c>, in device-id order so concurrent batches cannot deadlock),
/// runs the caller's in-memory change, and writes every changed twin back with one <c>update … from unnest(…)</c>. Only
/// the <see cref="TwinSections"/> the caller names travel: the change sees a twin that holds just those, and each is put
/// back into the stored twin in place (<c>registry.with_twin_section</c>, Database/registry.sql).
/// </summary>
public sealed class TwinStore(NpgsqlDataSource dataSource)
{
    public const int MaxBatch = 1000;

    public async Task<T> UpdateAsync<T>(IReadOnlyCollection<string> deviceIds, TwinSections sections, Func<LockedTwins, T> change, CancellationToken ct)
    {
        var ids = deviceIds.Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length > MaxBatch) throw new ArgumentOutOfRangeException(nameof(deviceIds), $"At most {MaxBatch} twins per batch.");

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var locked = new LockedTwins(await LockAsync(conn, tx, ids, sections, ct));
        var result = change(locked);
        if (locked.Changed.Count > 0) await WriteAsync(conn, tx, locked.Changed, sections, ct);
        await tx.CommitAsync(ct);
        return result;
    }

    private static async Task<Dictionary<string, JsonObject>> LockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string[] ids,
        TwinSections sections, CancellationToken ct)
    {
        var columns = sections.IsWhole
            ? "twin::text"
            : string.Join(", ", sections.Paths.Select((_, i) => $"(twin #> ${i + 2}::text[])::text"));
        await using var cmd = new NpgsqlCommand(
            $"select device_id, {columns} from registry.devices where device_id = any($1) order by device_id for update", conn, tx);
        cmd.Parameters.AddWithValue(ids);
        foreach (var path in sections.Paths) cmd.Parameters.AddWithValue(path);
        var twins = new Dictionary<string, JsonObject>(ids.Length, StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (sections.IsWhole)
            {
                twins[reader.GetString(0)] = JsonNode.Parse(reader.GetString(1))!.AsObject();
                continue;
            }
            var twin = new JsonObject();
            for (var i = 0; i < sections.Paths.Count; i++)
                if (!reader.IsDBNull(i + 1)) Place(twin, sections.Paths[i], JsonNode.Parse(reader.GetString(i + 1)));
            twins[reader.GetString(0)] = twin;
        }
        return twins;
    }

    private static void Place(JsonObject twin, string[] path, JsonNode? value)
    {
        var parent = twin;
        if (path.Length == 2)
        {
            if (twin[path[0]] is not JsonObject child) twin[path[0]] = child = new JsonObject();
            parent = child;
        }
        parent[path[^1]] = value;
    }

    /// <summary>The section's JSON text, or null when the twin has none (then the stored twin loses it too).</summary>
    private static string? Section(JsonObject twin, string[] path)
    {
        var parent = path.Length == 2 ? twin[path[0]] as JsonObject : twin;
        if (parent is null || !parent.TryGetPropertyValue(path[^1], out var value)) return null;
        return value?.ToJsonString() ?? "null";
    }

    private static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyDictionary<string, JsonObject> twins,
        TwinSections sections, CancellationToken ct)
    {
        var count = sections.Paths.Count;
        var newTwin = sections.IsWhole ? "u.twin::jsonb" : "d.twin";
        for (var i = 0; i < count; i++)
            newTwin = $"registry.with_twin_section({newTwin}, ${count + i + 2}::text[], u.s{i}::jsonb)";
        var inputs = sections.IsWhole ? "$2::text[]" : string.Join(", ", Enumerable.Range(0, count).Select(i => $"${i + 2}::text[]"));
        var names = sections.IsWhole ? "twin" : string.Join(", ", Enumerable.Range(0, count).Select(i => $"s{i}"));
        await using var cmd = new NpgsqlCommand($"""
            update registry.devices d set twin = {newTwin}
              from unnest($1::text[], {inputs}) as u(device_id, {names})
             where d.device_id = u.device_id
            """, conn, tx);
        cmd.Parameters.AddWithValue(twins.Keys.ToArray());
        if (sections.IsWhole) cmd.Parameters.AddWithValue(twins.Values.Select(t => t.ToJsonString()).ToArray());
        foreach (var path in sections.Paths) cmd.Parameters.AddWithValue(twins.Values.Select(t => Section(t, path)).ToArray());
        foreach (var path in sections.Paths) cmd.Parameters.AddWithValue(path);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
