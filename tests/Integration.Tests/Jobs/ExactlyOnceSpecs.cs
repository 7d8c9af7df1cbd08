using System.Net;
using System.Text.Json.Nodes;
using System.Diagnostics;
using Integration.Tests.Faults;
using Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Integration.Tests.Jobs;

[Collection(SystemCollection.Name)]
public sealed class ExactlyOnceSpecs(SystemUnderTest system, ITestOutputHelper output)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Statistics_always_add_up_while_a_2000_device_job_runs()
    {
        // Slow devices, so the job is observed running many times before it completes.
        var devices = await Fleet.CreateAsync(system.Hub, $"inv-{_run}", 2000, new JsonObject { ["run"] = _run, ["sim"] = new JsonObject { ["latencyMs"] = 2000 } });
        var jobId = $"inv-{_run}";

        async Task<JsonNode> ObserveAsync()
        {
            var job = (await system.Hub.GetAsync($"/jobs/v2/{jobId}")).EnsureStatus(HttpStatusCode.OK).Json;
            if (job["deviceJobStatistics"] is { } s)
                Assert.Equal((int)s["deviceCount"]!, (int)s["succeededCount"]! + (int)s["failedCount"]! + (int)s["runningCount"]! + (int)s["pendingCount"]!);
            if ((string?)job["status"] is "queued" or "scheduled" or "running") Assert.Equal("9999-12-31T23:59:59.9999999Z", (string?)job["endTime"]);
            return job;
        }

        // The second fan-out chunk held: the job surely runs, with live statistics, while it is watched.
        await using (await FanOutBarrier.HoldAsync(system.Database, jobId, devices.Order(StringComparer.Ordinal).ElementAt(1500)))
        {
            (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{_run}'"))).EnsureStatus(HttpStatusCode.OK);
            await Ledger.EventuallyAsync(async () => await ObserveAsync() is { } job
                && (string?)job["status"] == "running" && job["deviceJobStatistics"] is not null);
        }

        var deadline = DateTime.UtcNow.AddMinutes(3);
        JsonNode finished;
        do finished = await ObserveAsync();
        while ((string?)finished["status"] != "completed" && DateTime.UtcNow < deadline);

        Assert.Equal("completed", (string?)finished["status"]);
        Assert.Equal("""{"deviceCount":2000,"failedCount":0,"succeededCount":2000,"runningCount":0,"pendingCount":0}""", finished["deviceJobStatistics"]!.ToJsonString());
    }

    [Fact]
    public async Task Killing_an_executor_mid_job_loses_no_device_and_invokes_none_twice()
    {
        var devices = await Fleet.CreateAsync(system.Hub, $"kill-{_run}", 2000, new JsonObject { ["run"] = _run, ["sim"] = new JsonObject { ["latencyMs"] = 1500 } });
        var jobId = $"kill-{_run}";
        Stopwatch killed;
        // The second fan-out chunk is held until the executor is dead: the job is surely mid-way at the kill, and commands
        // of it are still to be routed afterwards.
        await using (await FanOutBarrier.HoldAsync(system.Database, jobId, devices.Order(StringComparer.Ordinal).ElementAt(1500)))
        {
            (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{_run}'", responseTimeoutInSeconds: 5))).EnsureStatus(HttpStatusCode.OK);
            await Ledger.EventuallyAsync(async () => (await Ledger.RowsAsync(system, jobId)).Values.Count(r => r.Status == "running") >= 200);

            await system.Services["executor-1"].KillAsync();
            killed = Stopwatch.StartNew();
        }
        var report = new RecoveryReport(output, "kill -9 of an executor mid-job (no restart)");
        JsonNode job;
        try
        {
            job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId, TimeSpan.FromMinutes(2));
            report.Record("job completed after the kill", killed.Elapsed);
        }
        finally
        {
            // Whatever happens, later specs need both executors.
            await system.RestartAsync("executor-1");
        }

        Assert.Equal("completed", (string?)job["status"]);
        var stats = job["deviceJobStatistics"]!;
        Assert.Equal(2000, (int)stats["deviceCount"]!);
        Assert.Equal(2000, (int)stats["succeededCount"]! + (int)stats["failedCount"]!);
        var rows = await Ledger.RowsAsync(system, jobId);
        var executions = await Ledger.ExecutionsAsync(system, jobId);
        Assert.Equal(2000, rows.Count);
        Assert.All(executions.Values, n => Assert.Equal(1, n));
        // Executors only route calls to the holder of the devices, which claims, runs and reports them: an executor's
        // death loses nothing, and a command it had not acknowledged is routed again without calling anyone twice.
        Assert.All(rows.Values, r => Assert.Equal(("completed", 1), (r.Status, executions.GetValueOrDefault(r.DeviceId))));
        report.RecordOutcomes(rows);
    }

    [Fact]
    public async Task A_device_job_lost_from_the_ledger_shows_as_a_gap_between_deviceCount_and_the_counts()
    {
        var devices = await Fleet.CreateAsync(system.Hub, $"gap-{_run}", 10, new JsonObject { ["run"] = _run });
        var jobId = $"gap-{_run}";
        // With the device layer down no device answers, so the job cannot finish before the device job vanishes.
        await using (await DeviceLayerDown.StopAsync(system))
        {
            (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{_run}'"))).EnsureStatus(HttpStatusCode.OK);
            await Ledger.EventuallyAsync(async () => await Ledger.ScheduleStateAsync(system, jobId) == "dispatched");

            // A fault nothing in the system makes: one device job vanishes from the ledger after the fan-out counted it.
            await using var delete = system.Database.CreateCommand("delete from dispatch.device_jobs where job_id = $1 and device_id = $2 and status = 'pending'");
            delete.Parameters.AddWithValue(jobId);
            delete.Parameters.AddWithValue(devices[3]);
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }

        var stats = (await Fleet.WaitUntilFinishedAsync(system.Hub, jobId))["deviceJobStatistics"]!;
        Assert.Equal(10, (int)stats["deviceCount"]!);
        Assert.Equal(9, (int)stats["succeededCount"]! + (int)stats["failedCount"]! + (int)stats["runningCount"]! + (int)stats["pendingCount"]!);
    }
}
