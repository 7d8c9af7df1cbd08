using Npgsql;

namespace Integration.Tests.Queries;

/// <summary>
/// Row counts and md5 of the ordered content of the tables an injection or a bad request would change (registry's twins and identities, ledger,
/// job documents and events, schedules, device calls and executions), plus the list of tables in the database. <paramref name="ExcludePrefix"/> leaves out rows whose id starts with it (what the corpus itself creates as data).
/// </summary>
public sealed record DatabaseSnapshot(string Devices, string Identities, string DeviceJobs, string JobDocuments, string JobEvents, string Schedules,
    string DeviceCalls, string Executions, string Tables)
{
    public const string JobDocumentTable = "jobs.mt_doc_jobstatus";
    public const string JobEventTable = "jobs.mt_events";

    public static async Task<DatabaseSnapshot> TakeAsync(NpgsqlDataSource database, string excludePrefix)
    {
        // The LIKE pattern is a parameter; starts_with avoids treating '_' or '%' in the prefix as wildcards.
        return new DatabaseSnapshot(
            await ContentAsync(database, "registry.devices t where not starts_with(t.device_id, $1)", "t.device_id", excludePrefix),
            await ContentAsync(database, "registry.identities t where not starts_with(t.device_id, $1)", "t.device_id", excludePrefix),
            await ContentAsync(database, "dispatch.device_jobs t where not starts_with(t.job_id, $1) and not starts_with(t.device_id, $1)", "t.job_id, t.device_id", excludePrefix),
            await ContentAsync(database, $"{JobDocumentTable} t where not starts_with(t.id, $1)", "t.id", excludePrefix),
            await ContentAsync(database, $"{JobEventTable} t where not starts_with(t.stream_id, $1)", "t.seq_id", excludePrefix),
            await ContentAsync(database, "scheduler.job_schedules t where not starts_with(t.job_id, $1)", "t.job_id", excludePrefix),
            await ContentAsync(database, "devicesim.calls t where not starts_with(coalesce(t.job_id, ''), $1) and not starts_with(t.device_id, $1)", "t.call_id, t.device_id", excludePrefix),
            await ContentAsync(database, "devicesim.executions t where not starts_with(coalesce(t.job_id, ''), $1) and not starts_with(t.device_id, $1)", "t.call_id, t.device_id, t.executed_at", excludePrefix),
            await TablesAsync(database));
    }

    /// <summary>Snapshots until two in a row agree, so work left over from earlier tests cannot pass for damage.</summary>
    public static async Task<DatabaseSnapshot> TakeWhenQuietAsync(NpgsqlDataSource database, string excludePrefix)
    {
        var previous = await TakeAsync(database, excludePrefix);
        for (var attempt = 0; attempt < 60; attempt++)
        {
            await Task.Delay(500);
            var current = await TakeAsync(database, excludePrefix);
            if (current == previous) return current;
            previous = current;
        }
        return previous;
    }

    private static async Task<string> ContentAsync(NpgsqlDataSource database, string fromWhere, string orderBy, string excludePrefix)
    {
        // Trusted SQL only: table names and orderings are constants of this class.
        await using var cmd = database.CreateCommand(
            $"select count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n' order by {orderBy})), '-') from {fromWhere}");
        cmd.Parameters.AddWithValue(excludePrefix);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<string> TablesAsync(NpgsqlDataSource database)
    {
        await using var cmd = database.CreateCommand("""
            select string_agg(table_schema || '.' || table_name || ':' || table_type, ',' order by table_schema, table_name)
              from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')
            """);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
