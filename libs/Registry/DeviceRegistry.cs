using System.Text.Json.Nodes;
using Npgsql;

namespace IotHubJobs.Registry;

/// <summary>
/// The owner of <c>registry.devices</c> and <c>registry.identities</c> (Database/registry.sql): device twins and
/// identities, a device's two rows always written and deleted together, in one statement that takes the twin's row
/// first (as <see cref="DeviceConnections"/> does). Batch twin updates are in <see cref="TwinStore"/>, what the query
/// language reads is <see cref="DeviceQuerySource"/>. Every value travels as a parameter.
/// </summary>
public sealed class DeviceRegistry(NpgsqlDataSource dataSource)
{
    public sealed record Device(string DeviceId, JsonObject Identity, JsonObject Twin);

    public async Task<Device?> FindAsync(string deviceId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            select i.identity::text, d.twin::text
              from registry.devices d join registry.identities i on i.device_id = d.device_id
             where d.device_id = $1
            """);
        cmd.Parameters.AddWithValue(deviceId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new Device(deviceId, JsonNode.Parse(reader.GetString(0))!.AsObject(), JsonNode.Parse(reader.GetString(1))!.AsObject());
    }

    /// <summary>Inserts devices; returns the ids that already existed (and were left untouched).</summary>
    public async Task<HashSet<string>> CreateAsync(IReadOnlyList<Device> devices, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            with input as (select * from unnest($1::text[], $2::text[], $3::text[]) as i(device_id, identity, twin)),
                 inserted as (insert into registry.devices (device_id, twin, created_at)
                              select device_id, twin::jsonb, $4 from input
                              on conflict (device_id) do nothing returning device_id),
                 identities as (insert into registry.identities (device_id, identity)
                                select input.device_id, input.identity::jsonb from input join inserted using (device_id))
            select device_id from input except select device_id from inserted
            """);
        cmd.Parameters.AddWithValue(devices.Select(d => d.DeviceId).ToArray());
        cmd.Parameters.AddWithValue(devices.Select(d => d.Identity.ToJsonString()).ToArray());
        cmd.Parameters.AddWithValue(devices.Select(d => d.Twin.ToJsonString()).ToArray());
        cmd.Parameters.AddWithValue(now.UtcDateTime);
        var existing = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) existing.Add(reader.GetString(0));
        return existing;
    }

    public async Task ReplaceAsync(Device device, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            with replaced as (update registry.devices set twin = $3::jsonb where device_id = $1 returning device_id)
            update registry.identities i set identity = $2::jsonb from replaced where i.device_id = replaced.device_id
            """);
        cmd.Parameters.AddWithValue(device.DeviceId);
        cmd.Parameters.AddWithValue(device.Identity.ToJsonString());
        cmd.Parameters.AddWithValue(device.Twin.ToJsonString());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Deletes devices; returns the ids that were found and removed.</summary>
    public async Task<HashSet<string>> DeleteAsync(IReadOnlyCollection<string> deviceIds, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            with twins as (delete from registry.devices where device_id = any($1) returning device_id)
            delete from registry.identities i using twins where i.device_id = twins.device_id returning i.device_id
            """);
        cmd.Parameters.AddWithValue(deviceIds.ToArray());
        var deleted = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) deleted.Add(reader.GetString(0));
        return deleted;
    }

    /// <summary>Which of these devices are simulated: their twin tags hold <c>sim</c> as an object (docs/jobs.md, "device-sim steering tags").
    /// Read from the tags' own copy (Database/registry.sql): the small column, not a path into the whole twin, about 40 %
    /// less a device (docs/benchmarks.md, "The evening's machine, not 1a38788").</summary>
    public async Task<HashSet<string>> SimulatedAmongAsync(IReadOnlyCollection<string> deviceIds, CancellationToken ct)
    {
        var simulated = new HashSet<string>(StringComparer.Ordinal);
        if (deviceIds.Count == 0) return simulated;
        await using var cmd = dataSource.CreateCommand(
            "select device_id from registry.devices where device_id = any($1) and jsonb_typeof(tags->'sim') = 'object'");
        cmd.Parameters.AddWithValue(deviceIds.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) simulated.Add(reader.GetString(0));
        return simulated;
    }

    /// <summary>The steering tags (<c>tags.sim</c>, from the tags' own copy) and status of these devices, for the device simulator.</summary>
    public async Task<Dictionary<string, (string Status, string? SimJson)>> SimulationTagsAsync(IReadOnlyCollection<string> deviceIds, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "select device_id, twin->>'status', (tags->'sim')::text from registry.devices where device_id = any($1)");
        cmd.Parameters.AddWithValue(deviceIds.ToArray());
        var devices = new Dictionary<string, (string, string?)>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            devices[reader.GetString(0)] = (reader.IsDBNull(1) ? "enabled" : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        return devices;
    }

    /// <summary>
    /// Analyzes the registry when more of it changed since its last analysis than PostgreSQL's autovacuum waits for (a
    /// tenth of its rows, and at least <see cref="StaleAfterChanges"/>); returns whether it did. <see cref="TargetsAsync"/>
    /// calls it before a page asks the tags index, where a condition matches sparsely: a fleet imported a minute ago has
    /// no statistics yet, and the planner needs them to choose between the index and the device ids' order. Pages that
    /// walk need none, so a job whose condition matches densely never waits for an analysis (docs/benchmarks.md, "Fresh
    /// statistics before a fan-out", "Paging targets whatever the twins' size" and "The first job after a start, and the second").
    /// </summary>
    public static async Task<bool> AnalyzeWhenStaleAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using (var stale = new NpgsqlCommand("""
            select s.n_mod_since_analyze >= $1 and s.n_mod_since_analyze > 0.1 * greatest(c.reltuples, 0)
              from pg_stat_user_tables s join pg_class c on c.oid = s.relid
             where s.relid = 'registry.devices'::regclass
            """, conn, tx))
        {
            stale.Parameters.AddWithValue((long)StaleAfterChanges);
            if (await stale.ExecuteScalarAsync(ct) is not true) return false;
        }
        await using var analyze = new NpgsqlCommand("analyze registry.devices", conn, tx);
        await analyze.ExecuteNonQueryAsync(ct);
        return true;
    }

    /// <summary>Fewer changed devices than this never make the registry's statistics stale: small tables plan well without.</summary>
    public const int StaleAfterChanges = 1000;

    /// <summary>
    /// The next devices a job targets, in device-id order after <paramref name="after"/>: those matching the job's
    /// compiled condition that existed at <paramref name="createdBy"/> (devices added later are not targeted).
    /// </summary>
    /// <remarks>
    /// A page first walks the next <see cref="WalkedPerTarget"/> times <paramref name="limit"/> devices in device-id order
    /// and stops at <paramref name="limit"/> matches: where the condition matches densely, that reads about as many twins
    /// as it returns, and a job's pages read each twin once. A page that finds fewer is complete when the walk saw every
    /// device left; otherwise it asks again through the tags index (with fresh statistics, <see cref="AnalyzeWhenStaleAsync"/>),
    /// which finds a few matches among many devices at once but reads every match after the cursor for each page. Left to
    /// the planner, that choice rests on the registry's statistics, and PostgreSQL keeps none of values over 1 KB (twins
    /// were indexed whole then; tags can be that large too): a job over 100,000 such twins read every remaining match for
    /// each of its 100 pages (docs/benchmarks.md, "Paging targets whatever the twins' size").
    /// </remarks>
    public static async Task<List<string>> TargetsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Query.Ast.Condition condition,
        string after, DateTimeOffset createdBy, int limit, CancellationToken ct)
    {
        const int ownParameters = 3;
        var where = Query.SqlCompiler.CompileCondition(condition, DeviceQuerySource.Source, ownParameters + 1);
        // The subquery's limit keeps the condition above the walk (PostgreSQL does not push a filter below a limit); it
        // selects every column, whichever the compiled condition names, and PostgreSQL drops those unused.
        var walked = await ReadTargetsAsync(conn, tx, $"""
            select device_id
              from (select * from registry.devices where device_id > $1 order by device_id limit $3::int * {WalkedPerTarget}) d
             where created_at <= $2 and ({where.WhereSql})
             order by device_id limit $3
            """, where, after, createdBy, limit, ct);
        if (walked.Count == limit || !await DevicesBeyondAsync(conn, tx, after, limit * WalkedPerTarget, ct)) return walked;
        await AnalyzeWhenStaleAsync(conn, tx, ct);
        return await ReadTargetsAsync(conn, tx, $"""
            select device_id from registry.devices
             where device_id > $1 and created_at <= $2 and ({where.WhereSql})
             order by device_id limit $3
            """, where, after, createdBy, limit, ct);
    }

    /// <summary>A page that walks finds its targets among this many devices per target it may return.</summary>
    private const int WalkedPerTarget = 10;

    /// <summary>Whether more than <paramref name="count"/> devices follow <paramref name="after"/>: those a walk did not see.</summary>
    private static async Task<bool> DevicesBeyondAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string after, int count, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select exists (select 1 from registry.devices where device_id > $1 order by device_id offset $2 limit 1)
            """, conn, tx);
        cmd.Parameters.AddWithValue(after);
        cmd.Parameters.AddWithValue(count);
        return await cmd.ExecuteScalarAsync(ct) is true;
    }

    private static async Task<List<string>> ReadTargetsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, Query.SqlFragment where,
        string after, DateTimeOffset createdBy, int limit, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddWithValue(after);
        cmd.Parameters.AddWithValue(createdBy.UtcDateTime);
        cmd.Parameters.AddWithValue(limit);
        foreach (var value in where.Parameters) cmd.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        var devices = new List<string>(limit);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) devices.Add(reader.GetString(0));
        return devices;
    }

    /// <summary>
    /// What a job with this condition would target now: how many devices, and the first <paramref name="samples"/> ids in
    /// device-id order (a dry run, docs/rollouts.md).
    /// </summary>
    public async Task<(int Count, List<string> Samples)> PreviewTargetsAsync(Query.Ast.Condition condition, int samples, CancellationToken ct)
    {
        const int ownParameters = 1;
        var where = Query.SqlCompiler.CompileCondition(condition, DeviceQuerySource.Source, ownParameters + 1);
        await using var cmd = dataSource.CreateCommand($"""
            select count(*) over ()::int, device_id from registry.devices where ({where.WhereSql}) order by device_id limit $1
            """);
        cmd.Parameters.AddWithValue(samples);
        foreach (var value in where.Parameters) cmd.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        var count = 0;
        var ids = new List<string>(samples);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            count = reader.GetInt32(0);
            ids.Add(reader.GetString(1));
        }
        return (count, ids);
    }
}
