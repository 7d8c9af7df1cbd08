using Npgsql;

namespace Benchmark;

/// <summary>
/// How many times device-sim actually ran a job's method on each device — the one place that knows which table holds
/// that, so the same Benchmark tool can check the commit being measured and an older one (./bench.sh --compare).
/// The tables differ between versions: the first one in <see cref="ExecutionTables"/> that exists in the database
/// is counted.
/// </summary>
public static class DeviceExecutions
{
    /// <summary>
    /// Newest design first. A table listed here has one row per method execution on a device, with the columns
    /// job_id and device_id. devicesim.executions is the append-only log of the record-then-run design
    /// (services/device-sim/Methods/DeviceCallLog.cs; that version drops the older table), a table at first and now a view
    /// over devicesim.execution_batches with the same columns; devicesim.invocations
    /// is the log of the versions before it, from the first benchmarked commit (19c01ca) on. A design that records
    /// executions elsewhere adds its table at the top.
    /// </summary>
    private static readonly string[] ExecutionTables =
    [
        "devicesim.executions",
        "devicesim.invocations",
    ];

    public sealed record Count(string Table, long Devices, long Executions);

    /// <summary>Distinct devices and executions of <paramref name="jobId"/>; null when no known table exists.</summary>
    public static async Task<Count?> OfJobAsync(NpgsqlDataSource db, string jobId)
    {
        foreach (var table in ExecutionTables)
        {
            if (!await ExistsAsync(db, table)) continue;
            // the table name comes from the constant list above, never from input
            await using var cmd = db.CreateCommand($"select count(distinct device_id), count(*) from {table} where job_id = $1");
            cmd.Parameters.AddWithValue(jobId);
            await using var reader = await cmd.ExecuteReaderAsync();
            await reader.ReadAsync();
            return new Count(table, reader.GetInt64(0), reader.GetInt64(1));
        }
        return null;
    }

    private static async Task<bool> ExistsAsync(NpgsqlDataSource db, string table)
    {
        await using var cmd = db.CreateCommand("select to_regclass($1) is not null");
        cmd.Parameters.AddWithValue(table);
        return (bool)(await cmd.ExecuteScalarAsync())!;
    }
}
