using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Npgsql;
using Unit.Tests.Query;

namespace Integration.Tests.Queries;

/// <summary>
/// A separate database on the test server holding only the colleague's <see cref="FixtureFleet"/>, under the production
/// schema (the registry's and the ledger's own DDL), so compiled SQL runs on exactly the twins and device jobs the evaluator sees — with their
/// original device ids and no other test's devices in the way. Created once per test run.
/// </summary>
public static class FixtureFleetDatabase
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static NpgsqlDataSource? _database;

    public static async Task<NpgsqlDataSource> GetAsync(SystemUnderTest system)
    {
        await Gate.WaitAsync();
        try
        {
            return _database ??= await CreateAsync(system.DatabaseConnectionString);
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<NpgsqlDataSource> CreateAsync(string systemConnectionString)
    {
        var database = NpgsqlDataSource.Create(await SystemUnderTest.CreateDatabaseAsync(systemConnectionString, "iothub_query_table_"));
        foreach (var owned in new[] { "libs/Registry/Database/registry.sql", "libs/Dispatch/Database/dispatch.sql" })
        {
            await using var cmd = database.CreateCommand(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, owned)));
            await cmd.ExecuteNonQueryAsync();
        }
        await LoadTwinsAsync(database);
        await LoadDeviceJobsAsync(database);
        return database;
    }

    private static async Task LoadTwinsAsync(NpgsqlDataSource database)
    {
        foreach (var text in FixtureFleet.Twins)
        {
            var twin = JsonNode.Parse(text)!;
            await using var cmd = database.CreateCommand(
                "insert into registry.devices (device_id, twin, created_at) values ($1, $2::jsonb, now())");
            cmd.Parameters.AddWithValue((string)twin["deviceId"]!);
            cmd.Parameters.AddWithValue(text);
            await cmd.ExecuteNonQueryAsync();
        }
    }

    private static async Task LoadDeviceJobsAsync(NpgsqlDataSource database)
    {
        foreach (var text in FixtureFleet.DeviceJobs)
        {
            var job = JsonNode.Parse(text)!;
            await using var cmd = database.CreateCommand("""
                insert into dispatch.device_jobs (job_id, device_id, job_type, status, start_utc, end_utc, created_utc, last_updated_utc, outcome, error)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb)
                """);
            cmd.Parameters.AddWithValue((string)job["jobId"]!);
            cmd.Parameters.AddWithValue((string)job["deviceId"]!);
            cmd.Parameters.AddWithValue((string)job["jobType"]!);
            cmd.Parameters.AddWithValue((string)job["status"]!);
            foreach (var field in new[] { "startTimeUtc", "endTimeUtc", "createdDateTimeUtc", "lastUpdatedDateTimeUtc" })
                cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)DateOrNull(job[field]) ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)job["outcome"]?.ToJsonString() ?? DBNull.Value });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)job["error"]?.ToJsonString() ?? DBNull.Value });
            await cmd.ExecuteNonQueryAsync();
        }
    }

    private static DateTimeOffset? DateOrNull(JsonNode? node) =>
        node is null ? null : DateTimeOffset.Parse((string)node!, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime();
}
