using System.Text.Json.Nodes;
using Npgsql;

namespace IotHubJobs.Registry;

/// <summary>
/// Batch read-modify-write of twins in <c>registry.devices</c>: one transaction locks and loads up to
/// <see cref="MaxBatch"/> twins (<c>select … for update</c>, in device-id order so concurrent batches cannot deadlock),
/// runs the caller's in-memory change, and writes every changed twin back with one <c>update … from unnest(…)</c>. Only
/// the <see cref="TwinSections"/> the caller names travel: the change sees a twin that holds just those, and they are
/// merged back into the stored twin, the rest of which stays as it is. The write finds each row by the address
/// (<c>ctid</c>) the lock read: no other transaction can update a row this one has locked, and the batch writes it once,
/// so the address still holds — one page read instead of another walk down the primary key (docs/benchmarks.md,
/// "Rows written where the lock found them").
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
        var (twins, rows) = await LockAsync(conn, tx, ids, sections, ct);
        var locked = new LockedTwins(twins);
        var result = change(locked);
        if (locked.Changed.Count > 0) await WriteAsync(conn, tx, locked.Changed, rows, sections, ct);
        await tx.CommitAsync(ct);
        return result;
    }

    private static async Task<(Dictionary<string, JsonObject> Twins, Dictionary<string, string> Rows)> LockAsync(NpgsqlConnection conn,
        NpgsqlTransaction tx, string[] ids, TwinSections sections, CancellationToken ct)
    {
        var columns = sections.IsWhole
            ? "twin::text"
            : string.Join(", ", sections.Paths.Select((_, i) => $"(twin #> ${i + 2}::text[])::text"));
        await using var cmd = new NpgsqlCommand(
            $"select device_id, ctid::text, {columns} from registry.devices where device_id = any($1) order by device_id for update", conn, tx);
        cmd.Parameters.AddWithValue(ids);
        foreach (var path in sections.Paths) cmd.Parameters.AddWithValue(path);
        var twins = new Dictionary<string, JsonObject>(ids.Length, StringComparer.Ordinal);
        var rows = new Dictionary<string, string>(ids.Length, StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var deviceId = reader.GetString(0);
            rows[deviceId] = reader.GetString(1);
            if (sections.IsWhole)
            {
                twins[deviceId] = JsonNode.Parse(reader.GetString(2))!.AsObject();
                continue;
            }
            var twin = new JsonObject();
            for (var i = 0; i < sections.Paths.Count; i++)
                if (!reader.IsDBNull(i + 2)) Place(twin, sections.Paths[i], JsonNode.Parse(reader.GetString(i + 2)));
            twins[deviceId] = twin;
        }
        return (twins, rows);
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

    /// <summary>The section's JSON text, or null when the changed twin has none (then the stored twin keeps its own).</summary>
    private static string? Section(JsonObject twin, string[] path)
    {
        var parent = path.Length == 2 ? twin[path[0]] as JsonObject : twin;
        if (parent is null || !parent.TryGetPropertyValue(path[^1], out var value)) return null;
        return value?.ToJsonString() ?? "null";
    }

    private static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyDictionary<string, JsonObject> twins,
        IReadOnlyDictionary<string, string> rows, TwinSections sections, CancellationToken ct)
    {
        var count = sections.Paths.Count;
        var inputs = sections.IsWhole ? "$3::text[]" : string.Join(", ", Enumerable.Range(0, count).Select(i => $"${i + 3}::text[]"));
        var names = sections.IsWhole ? "twin" : string.Join(", ", Enumerable.Range(0, count).Select(i => $"s{i}"));
        await using var cmd = new NpgsqlCommand($"""
            update registry.devices d set twin = {(sections.IsWhole ? "u.twin::jsonb" : WithSections(sections))}
              from unnest($1::text[]::tid[], $2::text[], {inputs}) as u(row_id, device_id, {names})
             where d.ctid = u.row_id and d.device_id = u.device_id
            """, conn, tx);
        cmd.Parameters.AddWithValue(twins.Keys.Select(id => rows[id]).ToArray());
        cmd.Parameters.AddWithValue(twins.Keys.ToArray());
        if (sections.IsWhole) cmd.Parameters.AddWithValue(twins.Values.Select(t => t.ToJsonString()).ToArray());
        foreach (var path in sections.Paths) cmd.Parameters.AddWithValue(twins.Values.Select(t => Section(t, path)).ToArray());
        // Every changed twin was locked above, so each finds its row; anything else must not commit as if it had.
        var written = await cmd.ExecuteNonQueryAsync(ct);
        if (written != twins.Count) throw new InvalidOperationException($"Wrote {written} of {twins.Count} locked twins.");
    }

    /// <summary>
    /// The stored twin <c>d.twin</c> with each section replaced by its input <c>u.s{i}</c>. The usual row — every input
    /// given, every parent of a nested section an object — takes <see cref="Replaced"/>; any other takes <see cref="Merged"/>.
    /// The key names come from <see cref="TwinSections"/>' own constants.
    /// </summary>
    private static string WithSections(TwinSections sections)
    {
        var inputs = sections.Paths.Select((path, i) => (Path: path, Input: $"u.s{i}")).ToList();
        var usual = inputs.Select(s => $"{s.Input} is not null")
            .Concat(inputs.Where(s => s.Path.Length == 2).Select(s => s.Path[0]).Distinct().Select(parent => $"jsonb_typeof(d.twin -> '{parent}') = 'object'"));
        return $"case when {string.Join(" and ", usual)} then {Replaced(inputs)} else {Merged(inputs)} end";
    }

    /// <summary>
    /// Top-level sections merged into the twin at once, nested ones set in place with <c>jsonb_set</c>: PostgreSQL copies
    /// the twin once per step, not once for the twin and again for each parent as <see cref="Merged"/> does — about 40 % of
    /// the update's work on a twin of a kilobyte (docs/benchmarks.md, "Twin writes set sections in place").
    /// </summary>
    private static string Replaced(IReadOnlyList<(string[] Path, string Input)> inputs)
    {
        var topLevel = inputs.Where(s => s.Path.Length == 1).ToList();
        var twin = topLevel.Count == 0
            ? "d.twin"
            : $"(d.twin || jsonb_build_object({string.Join(", ", topLevel.Select(s => $"'{s.Path[0]}', {s.Input}::jsonb"))}))";
        return inputs.Where(s => s.Path.Length == 2)
            .Aggregate(twin, (current, s) => $"jsonb_set({current}, '{{{s.Path[0]},{s.Path[1]}}}', {s.Input}::jsonb)");
    }

    /// <summary>
    /// Any row: <c>twin || {tags: …, properties: properties || {desired: …}}</c>, where a section whose input is null — the
    /// changed twin lacked it — is left out of the objects merged, so the stored twin keeps it as it is, and a parent the
    /// twin lacked is created.
    /// </summary>
    private static string Merged(IReadOnlyList<(string[] Path, string Input)> inputs)
    {
        var entries = new List<(string Key, string Value, string MissingWhen)>();
        foreach (var group in inputs.GroupBy(s => s.Path[0]))
        {
            if (group.Count() == 1 && group.First().Path.Length == 1)
            {
                var input = group.First().Input;
                entries.Add((group.Key, $"{input}::jsonb", $"{input} is null"));
                continue;
            }
            var children = group.Select(s => (Key: s.Path[1], Value: $"{s.Input}::jsonb", MissingWhen: $"{s.Input} is null")).ToList();
            entries.Add((group.Key, $"coalesce(d.twin -> '{group.Key}', '{{}}'::jsonb) || {Object(children)}",
                string.Join(" and ", children.Select(c => c.MissingWhen))));
        }
        return $"d.twin || {Object(entries)}";

        static string Object(IReadOnlyList<(string Key, string Value, string MissingWhen)> entries) =>
            $"(jsonb_build_object({string.Join(", ", entries.Select(e => $"'{e.Key}', {e.Value}"))})"
            + $" - array_remove(array[{string.Join(", ", entries.Select(e => $"case when {e.MissingWhen} then '{e.Key}' end"))}], null))";
    }
}
