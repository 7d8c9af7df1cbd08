using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>
/// Where the time goes, measured over the job's window (from just before its creation to its end; the database's
/// counters a reporting delay later, PostgresCounters): per device operation, the CPU milliseconds of each process,
/// the SQL statements, commits, rows written and WAL bytes of the hub's PostgreSQL, and the messages the services
/// sent and received (BusCounters); the window's totals; and the tables written most, rows per device operation.
/// </summary>
public sealed record WorkPerDeviceOp(int Devices, Dictionary<string, double> CpuSeconds, PostgresCounters Postgres, BusCounters Bus)
{
    public static WorkPerDeviceOp From(int devices, Dictionary<string, double> cpuSeconds, PostgresCounters postgres, BusCounters bus)
    {
        if (postgres.StatementEntriesEvicted > 0)
            Console.Error.WriteLine($"pg_stat_statements evicted {postgres.StatementEntriesEvicted} entries during the job: sqlStatements is too low");
        if (postgres.Statements is null) Console.Error.WriteLine("pg_stat_statements is not loaded on this hub: no sqlStatements");
        if (bus.ServicesAnswering == 0) Console.Error.WriteLine("no service answered on /metrics: no message counts");
        return new WorkPerDeviceOp(devices, cpuSeconds, postgres, bus);
    }

    public JsonObject ToJson()
    {
        double Per(double total, int decimals) => Math.Round(total / Math.Max(Devices, 1), decimals);
        double? Messages(double total) => Bus.ServicesAnswering > 0 ? Per(total, 4) : null;
        var cpuMs = new JsonObject();
        foreach (var (part, seconds) in CpuSeconds.OrderByDescending(c => c.Value)) cpuMs[part] = Per(seconds * 1000, 4);
        var topTables = new JsonObject();
        foreach (var (table, rows) in Postgres.RowsWrittenPerTable.Where(t => t.Value > 0).OrderByDescending(t => t.Value).Take(6))
            topTables[table] = Per(rows, 3);
        return new JsonObject
        {
            ["perDeviceOp"] = new JsonObject
            {
                ["cpuMs"] = cpuMs,
                ["sqlStatements"] = Postgres.Statements is { } statements ? Per(statements, 4) : null,
                ["commits"] = Per(Postgres.Commits, 4),
                ["rowsWritten"] = Per(Postgres.RowsWritten, 3),
                ["walBytes"] = Per((double)Postgres.WalPosition, 0),
                ["messages"] = Messages(Bus.Sent),
                ["messagesReceived"] = Messages(Bus.Received),
            },
            ["duringJob"] = new JsonObject
            {
                ["sqlStatements"] = Postgres.Statements, ["commits"] = Postgres.Commits, ["rowsWritten"] = Postgres.RowsWritten,
                ["walBytes"] = (long)Postgres.WalPosition, ["messages"] = Bus.ServicesAnswering > 0 ? Bus.Sent : null,
                ["messagesReceived"] = Bus.ServicesAnswering > 0 ? Bus.Received : null,
                ["servicesOnMetrics"] = Bus.ServicesAnswering,
            },
            ["rowsWrittenPerDeviceOpByTable"] = topTables,
        };
    }
}
