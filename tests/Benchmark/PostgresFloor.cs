using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Benchmark;

/// <summary>
/// The physical floor of the hub's PostgreSQL for a job's ledger: the same number of rows as the job has devices,
/// shaped like a ledger row (dispatch.device_jobs: the key, the status, the times, an outcome; its primary key and its
/// partial index of unfinished rows), inserted in batches of 500 with one unnest statement and one commit per batch,
/// then updated the same way to completed with an outcome — nothing else: no claims, no messages, no services. One
/// connection, the hub's own server and settings (fsync as the hub has it), a scratch table (analyzed between the
/// inserts and the updates, untimed) dropped afterwards.
/// Rows per second = rows / (insert seconds + update seconds): each row inserted once and updated once, where a job's
/// device operation inserts its row once and updates it at least twice.
/// </summary>
public static class PostgresFloor
{
    private const int Batch = 500;
    private const string Outcome = "{\"deviceMethodResponse\":{\"status\":200,\"payload\":{}}}";

    public sealed record Result(int Rows, double InsertSeconds, double UpdateSeconds)
    {
        public double RowsPerSecond => Math.Round(Rows / Math.Max(InsertSeconds + UpdateSeconds, 0.001));
    }

    public static async Task<Result> MeasureAsync(NpgsqlDataSource db, int rows, string run)
    {
        var table = $"bench_floor.ledger_{run}";
        await ExecuteAsync(db, $"""
            create schema if not exists bench_floor;
            create table {table} (
                job_id text collate "C" not null, device_id text collate "C" not null, job_type text not null,
                status text not null, created_utc timestamptz not null, start_utc timestamptz, end_utc timestamptz,
                last_updated_utc timestamptz not null, outcome jsonb, primary key (job_id, device_id));
            create index on {table} (job_id, status) where status in ('pending', 'running');
            """);
        try
        {
            var devices = Enumerable.Range(0, rows).Select(i => $"floor-{run}-{i:D7}").Chunk(Batch).ToList();
            var inserting = Stopwatch.StartNew();
            foreach (var batch in devices)
                await ExecuteAsync(db, $"""
                    insert into {table} (job_id, device_id, job_type, status, created_utc, last_updated_utc)
                    select $1, d, 'scheduleDeviceMethod', 'pending', now(), now() from unnest($2::text[]) d
                    """, run, batch);
            var insertSeconds = inserting.Elapsed.TotalSeconds;
            // A new table has no statistics: without them each batch's update scans the whole table (measured: 30 s for
            // 100,000 rows instead of a few), where the real ledger has them (autovacuum). Not timed.
            await ExecuteAsync(db, $"analyze {table}");
            var updating = Stopwatch.StartNew();
            foreach (var batch in devices)
                await ExecuteAsync(db, $"""
                    update {table} t set status = 'completed', start_utc = now(), end_utc = now(), last_updated_utc = now(),
                        outcome = '{Outcome}'
                    from unnest($2::text[]) d where t.job_id = $1 and t.device_id = d
                    """, run, batch);
            return new Result(rows, Math.Round(insertSeconds, 2), Math.Round(updating.Elapsed.TotalSeconds, 2));
        }
        finally
        {
            await ExecuteAsync(db, $"drop table if exists {table}");
        }
    }

    /// <summary>One statement in its own transaction: autocommit, one commit each.</summary>
    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql, string? job = null, string[]? devices = null)
    {
        await using var cmd = db.CreateCommand(sql);
        if (job is not null) cmd.Parameters.AddWithValue(job);
        if (devices is not null) cmd.Parameters.Add(new NpgsqlParameter { Value = devices, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync();
    }
}
