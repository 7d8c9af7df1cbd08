using Npgsql;

namespace Benchmark;

/// <summary>
/// What the hub's PostgreSQL did, read from its own statistics so that any build's hub can be measured from outside:
/// SQL statements (pg_stat_statements, loaded when bench.sh made the data folder; transaction control — BEGIN, COMMIT,
/// ROLLBACK — left out, commits are counted on their own), commits and rows written (inserted + updated + deleted) of
/// the hub's database (pg_stat_database), rows written per table (pg_stat_user_tables) and WAL written (the distance
/// between two WAL positions, pg_current_wal_lsn). Sampled before the job and after it; the difference is the job's.
/// </summary>
public sealed record PostgresCounters(long? Statements, long? StatementEntriesEvicted, long Commits, long RowsWritten,
    decimal WalPosition, Dictionary<string, long> RowsWrittenPerTable)
{
    /// <summary>
    /// A backend reports its table and transaction counts at most once a second, and an idle one only after 10 s
    /// (PostgreSQL 15's PGSTAT_IDLE_INTERVAL): a sample waits that long, so that work before it is in it and work
    /// after it is not.
    /// </summary>
    public static readonly TimeSpan ReportingDelay = TimeSpan.FromSeconds(11);

    public static async Task<PostgresCounters> ReadAsync(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        long? statements = null, evicted = null;
        if (await ScalarAsync<bool>(connection, "select exists (select from pg_extension where extname = 'pg_stat_statements')"))
        {
            statements = await ScalarAsync<long>(connection, """
                select coalesce(sum(calls), 0)::bigint from pg_stat_statements
                where dbid = (select oid from pg_database where datname = current_database())
                  and query !~* '^\s*(begin|start transaction|commit|end|rollback)\s*;?\s*$'
                """);
            evicted = await ScalarAsync<long>(connection, "select dealloc from pg_stat_statements_info");
        }
        long commits = 0, rows = 0;
        await using (var cmd = new NpgsqlCommand(
            "select xact_commit, tup_inserted + tup_updated + tup_deleted from pg_stat_database where datname = current_database()", connection))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            commits = reader.GetInt64(0);
            rows = reader.GetInt64(1);
        }
        var wal = await ScalarAsync<decimal>(connection, "select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')");
        var perTable = new Dictionary<string, long>();
        await using (var cmd = new NpgsqlCommand(
            "select schemaname || '.' || relname, n_tup_ins + n_tup_upd + n_tup_del from pg_stat_user_tables", connection))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) perTable[reader.GetString(0)] = reader.GetInt64(1);
        return new PostgresCounters(statements, evicted, commits, rows, wal, perTable);
    }

    /// <summary>What happened between two samples (a table made in between counts from zero).</summary>
    public PostgresCounters Since(PostgresCounters before) => new(
        Statements - before.Statements, StatementEntriesEvicted - before.StatementEntriesEvicted, Commits - before.Commits,
        RowsWritten - before.RowsWritten, WalPosition - before.WalPosition,
        RowsWrittenPerTable.ToDictionary(t => t.Key, t => t.Value - before.RowsWrittenPerTable.GetValueOrDefault(t.Key)));

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        return (T)Convert.ChangeType((await cmd.ExecuteScalarAsync())!, typeof(T));
    }
}
