using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;
using JobsApi.Jobs;
using Marten;
using Npgsql;

namespace Integration.Tests.Faults;

/// <summary>A service that starts while a replica still changes the schema waits for it instead of exiting.</summary>
[Collection(SystemCollection.Name)]
public sealed class StartUpSpecs(SystemUnderTest system)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Jobs_api_starting_while_another_replica_changes_the_job_store_schema_waits_its_turn_and_then_serves()
    {
        await Fleet.CreateAsync(system.Hub, $"su-{_run}", 1, new JsonObject { ["run"] = _run });
        var options = new StoreOptions();
        JobStore.Configure(options);
        var jobsApi = system.Services["jobs-api"];
        var logBefore = jobsApi.ReadLog().Length;
        try
        {
            // The session-level lock a replica applying the job store's schema holds (services/jobs-api/Jobs/JobStoreSchema.cs).
            await using (var replica = await system.Database.OpenConnectionAsync())
            {
                await using (var hold = new NpgsqlCommand("select pg_advisory_lock($1::bigint)", replica))
                {
                    hold.Parameters.AddWithValue((long)options.ApplyChangesLockId);
                    await hold.ExecuteNonQueryAsync();
                }
                // A schema to change: one index of the job store missing, as after an upgrade that adds it.
                var index = await CreatedTimeIndexAsync();
                Assert.NotNull(index);
                await using (var drop = system.Database.CreateCommand($"drop index jobs.\"{index}\""))
                    await drop.ExecuteNonQueryAsync();
                await jobsApi.KillAsync();
                jobsApi.Start();
                await Ledger.EventuallyAsync(() => Task.FromResult(jobsApi.ReadLog()[logBefore..].Contains("Another jobs-api replica is changing the job store")));
                Assert.True(jobsApi.IsRunning);
                // The replica is done (a pooled session outlives its connection, so the lock is given back by name).
                await using var release = new NpgsqlCommand("select pg_advisory_unlock($1::bigint)", replica);
                release.Parameters.AddWithValue((long)options.ApplyChangesLockId);
                Assert.True((bool)(await release.ExecuteScalarAsync())!);
            }
            await system.WaitUntilReadyAsync("jobs-api");
            Assert.NotNull(await CreatedTimeIndexAsync());
        }
        finally
        {
            if (!jobsApi.IsRunning) await system.RestartAsync("jobs-api");
        }

        var jobId = $"su-{_run}";
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{_run}'"))).EnsureStatus(HttpStatusCode.OK);
        var job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal("completed", (string?)job["status"]);
        Assert.Equal(1, (int)job["deviceJobStatistics"]!["succeededCount"]!);
    }

    private async Task<string?> CreatedTimeIndexAsync()
    {
        await using var cmd = system.Database.CreateCommand(
            "select indexname from pg_indexes where schemaname = 'jobs' and tablename = 'mt_doc_jobstatus' and indexname like '%created_time%'");
        return await cmd.ExecuteScalarAsync() as string;
    }
}
