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
        await Fleet.CreateAsync(system.Hub, $"inv-{_run}", 2000, new JsonObject { ["run"] = _run, ["sim"] = new JsonObject { ["latencyMs"] = 2000 } });
        var jobId = $"inv-{_run}";
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{_run}'"))).EnsureStatus(HttpStatusCode.OK);

        var observations = 0;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        JsonNode job;
        do
        {
            job = (await system.Hub.GetAsync($"/jobs/v2/{jobId}")).EnsureStatus(HttpStatusCode.OK).Json;
            if (job["deviceJobStatistics"] is { } s)
            {
                observations++;
                Assert.Equal((int)s["deviceCount"]!, (int)s["succeededCount"]! + (int)s["failedCount"]! + (int)s["runningCount"]! + (int)s["pendingCount"]!);
            }
            if ((string?)job["status"] is "queued" or "scheduled" or "running") Assert.Equal("9999-12-31T23:59:59.9999999Z", (string?)job["endTime"]);
        } while ((string?)job["status"] != "completed" && DateTime.UtcNow < deadline);

        Assert.Equal("completed", (string?)job["status"]);
        Assert.True(observations > 1);
        Assert.Equal("""{"deviceCount":2000,"failedCount":0,"succeededCount":2000,"runningCount":0,"pendingCount":0}""", job["deviceJobStatistics"]!.ToJsonString());
    }

    [Fact]
    public async Task Killing_an_executor_mid_job_loses_no_device_and_invokes_none_twice()
    {
        await Fleet.CreateAsync(system.Hub, $"kill-{_run}", 2000, new JsonObject { ["run"] = _run, ["sim"] = new JsonObject { ["latencyMs"] = 1500 } });
        var jobId = $"kill-{_run}";
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{_run}'", responseTimeoutInSeconds: 5))).EnsureStatus(HttpStatusCode.OK);
        await Ledger.EventuallyAsync(async () => (await Ledger.RowsAsync(system, jobId)).Values.Count(r => r.Status == "running") >= 200);

        await system.Services["executor-1"].KillAsync();
        var killed = Stopwatch.StartNew();
        var job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId, TimeSpan.FromMinutes(2));
        var report = new RecoveryReport(output, "kill -9 of an executor mid-job (no restart)");
        report.Record("job completed after the kill", killed.Elapsed);
        await system.RestartAsync("executor-1");

        Assert.Equal("completed", (string?)job["status"]);
        var stats = job["deviceJobStatistics"]!;
        Assert.Equal(2000, (int)stats["deviceCount"]!);
        Assert.Equal(2000, (int)stats["succeededCount"]! + (int)stats["failedCount"]!);
        var rows = await Ledger.RowsAsync(system, jobId);
        var invocations = await Ledger.InvocationsAsync(system, jobId);
        Assert.Equal(2000, rows.Count);
        Assert.All(invocations.Values, n => Assert.Equal(1, n));
        Assert.All(rows.Values, r =>
        {
            if (r.Status == "completed") Assert.Equal(1, invocations[r.DeviceId]);
            else Assert.Equal(("failed", "DeviceOperationOutcomeUnknown"), (r.Status, r.ErrorCode));
        });
        report.RecordOutcomes(rows);
    }
}
