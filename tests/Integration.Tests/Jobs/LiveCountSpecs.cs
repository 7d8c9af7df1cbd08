using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Npgsql;

namespace Integration.Tests.Jobs;

/// <summary>
/// A job's live counts are sums of the status changes that every ledger statement appends (libs/Dispatch/Database/dispatch.sql),
/// not a count of its device jobs. The oracle is that count itself, read in the same snapshot.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class LiveCountSpecs(SystemUnderTest system)
{
    [Fact]
    public async Task A_running_jobs_counts_equal_its_device_jobs_counted_in_the_same_snapshot_at_every_moment()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        await Fleet.CreateStaggeredAsync(system.Hub, $"count-{run}", 600, run, maxLatencyMs: 3000);
        await Fleet.CreateAsync(system.Hub, $"count-{run}-off", 50,
            new JsonObject { ["run"] = run, ["sim"] = new JsonObject { ["offline"] = true } });
        var jobId = $"count-{run}";

        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{run}'")))
            .EnsureStatus(HttpStatusCode.OK);

        var snapshots = 0;
        var midway = 0;
        JsonNode job;
        do
        {
            var (summed, counted) = await CountsInOneSnapshotAsync(jobId);
            Assert.Equal(counted, summed);
            snapshots++;
            if (counted.Keys.Any(s => s is "pending" or "running") && counted.Keys.Any(s => s is "completed" or "failed")) midway++;
            job = (await system.Hub.GetAsync($"/jobs/v2/{jobId}")).EnsureStatus(HttpStatusCode.OK).Json;
        } while ((string?)job["status"] is not ("completed" or "failed" or "cancelled"));

        // The comparison ran while device jobs moved, not only before or after.
        Assert.True(midway > 0, $"none of {snapshots} snapshots fell while the job ran");
        Assert.Equal(
            """{"deviceCount":650,"failedCount":50,"succeededCount":600,"runningCount":0,"pendingCount":0}""",
            job["deviceJobStatistics"]!.ToJsonString());
        var (final, _) = await CountsInOneSnapshotAsync(jobId);
        Assert.Equal(new Dictionary<string, long> { ["completed"] = 600, ["failed"] = 50 }, final);
        // The last write of results summed the job's changes: one row per status is left.
        Assert.Equal(2, await ChangeRowsAsync(system.Database, jobId));
    }

    [Fact]
    public async Task A_ledger_from_before_the_counts_is_counted_once_when_they_arrive_and_a_restart_counts_nothing_twice()
    {
        await using var database = NpgsqlDataSource.Create(await SystemUnderTest.CreateDatabaseAsync(system.DatabaseConnectionString, "iothub_counts_"));
        var script = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "libs/Dispatch/Database/dispatch.sql"));
        var beforeCounts = script[..script.IndexOf("-- Live counts by status", StringComparison.Ordinal)];
        await ExecuteAsync(database, beforeCounts);
        await ExecuteAsync(database, """
            insert into dispatch.device_jobs (job_id, device_id, job_type, status, created_utc, last_updated_utc)
            select 'old-' || (i % 2), 'device-' || i, 'scheduleDeviceMethod',
                   (array['pending', 'running', 'completed', 'failed', 'canceled'])[1 + i % 5], now(), now()
              from generate_series(1, 1000) i
            """);

        await ExecuteAsync(database, script);
        await ExecuteAsync(database, script);
        await ExecuteAsync(database, "update dispatch.device_jobs set status = 'running' where status = 'pending' and device_id < 'device-5'");
        await ExecuteAsync(database, "delete from dispatch.device_jobs where status = 'canceled' and job_id = 'old-1'");

        foreach (var jobId in new[] { "old-0", "old-1" })
        {
            var (summed, counted) = await CountsInOneSnapshotAsync(jobId, database);
            Assert.Equal(counted, summed);
            Assert.Equal(jobId == "old-0" ? 500 : 400, summed.Values.Sum());
        }
    }

    private Task<(Dictionary<string, long> Summed, Dictionary<string, long> Counted)> CountsInOneSnapshotAsync(string jobId) =>
        CountsInOneSnapshotAsync(jobId, system.Database);

    /// <summary>The sums of the job's status changes and a count of its device jobs by status, read by one statement.</summary>
    private static async Task<(Dictionary<string, long> Summed, Dictionary<string, long> Counted)> CountsInOneSnapshotAsync(
        string jobId, NpgsqlDataSource database)
    {
        await using var cmd = database.CreateCommand("""
            select coalesce((select json_object_agg(status, n) from (
                        select status, sum(change) n from dispatch.device_job_status_changes where job_id = $1
                         group by status having sum(change) <> 0) s), '{}')::text,
                   coalesce((select json_object_agg(status, n) from (
                        select status, count(*) n from dispatch.device_jobs where job_id = $1 group by status) c), '{}')::text
            """);
        cmd.Parameters.AddWithValue(jobId);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (Parse(reader.GetString(0)), Parse(reader.GetString(1)));

        static Dictionary<string, long> Parse(string json) =>
            new(JsonSerializer.Deserialize<Dictionary<string, long>>(json)!.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    private static async Task<long> ChangeRowsAsync(NpgsqlDataSource database, string jobId)
    {
        await using var cmd = database.CreateCommand("select count(*) from dispatch.device_job_status_changes where job_id = $1");
        cmd.Parameters.AddWithValue(jobId);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource database, string sql)
    {
        await using var cmd = database.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}
