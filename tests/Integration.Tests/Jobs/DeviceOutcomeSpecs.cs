using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Faults;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.Jobs;

[Collection(SystemCollection.Name)]
public sealed class DeviceOutcomeSpecs(SystemUnderTest system)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    private Task<List<string>> Devices(string kind, int count, JsonObject sim) =>
        Fleet.CreateAsync(system.Hub, $"out-{_run}-{kind}", count, new JsonObject { ["run"] = _run, ["sim"] = sim });

    [Fact]
    public async Task Each_device_gets_the_outcome_its_behaviour_earns()
    {
        var healthy = await Devices("ok", 3, new JsonObject());
        var offline = await Devices("offline", 3, new JsonObject { ["offline"] = true });
        var slow = await Devices("slow", 3, new JsonObject { ["latencyMs"] = 8000 });
        var erroring = await Devices("err", 3, new JsonObject { ["methodStatus"] = 500 });
        var jobId = $"out-{_run}";
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{_run}'", responseTimeoutInSeconds: 5))).EnsureStatus(HttpStatusCode.OK);

        var job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal("completed", (string?)job["status"]);
        Assert.Equal("""{"deviceCount":12,"failedCount":6,"succeededCount":6,"runningCount":0,"pendingCount":0}""", job["deviceJobStatistics"]!.ToJsonString());
        var rows = await Ledger.RowsAsync(system, jobId);
        Assert.All(healthy, id => Assert.Equal(("completed", (int?)200), (rows[id].Status, rows[id].MethodStatus)));
        Assert.All(erroring, id => Assert.Equal(("completed", (int?)500), (rows[id].Status, rows[id].MethodStatus)));
        Assert.All(offline, id => Assert.Equal(("failed", "DeviceNotOnline"), (rows[id].Status, rows[id].ErrorCode)));
        Assert.All(slow, id => Assert.Equal(("failed", "GatewayTimeout"), (rows[id].Status, rows[id].ErrorCode)));
    }

    [Fact]
    public async Task Device_that_connects_within_the_connect_timeout_answers()
    {
        var late = await Devices("late", 2, new JsonObject { ["connectDelaySeconds"] = 2 });
        var jobId = $"conn-{_run}";
        var request = Fleet.MethodJob(jobId, $"tags.run = '{_run}'");
        request["cloudToDeviceMethod"]!["connectTimeoutInSeconds"] = 5;
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", request)).EnsureStatus(HttpStatusCode.OK);

        await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        var rows = await Ledger.RowsAsync(system, jobId);
        Assert.All(late, id => Assert.Equal("completed", rows[id].Status));
    }

    [Fact]
    public async Task Max_execution_time_fails_unfinished_device_jobs_with_JobTimeout_and_completes_the_job()
    {
        await Devices("deadline", 20, new JsonObject());
        var jobId = $"deadline-{_run}";
        JsonNode job;
        // With the device layer down no device can answer: every device job is unfinished when the time is up, however long
        // the deadline takes to be noticed, and no device goes on running after the spec.
        await using (await DeviceLayerDown.StopAsync(system))
        {
            (await system.Hub.PutAsync($"/jobs/v2/{jobId}",
                Fleet.MethodJob(jobId, $"tags.run = '{_run}'", maxExecutionTimeInSeconds: 5))).EnsureStatus(HttpStatusCode.OK);
            job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        }

        // The deadline stops the fan-out too, so a job whose fan-out had not run within its 5 s would prove nothing here.
        var rows = await Ledger.RowsAsync(system, jobId);
        Assert.True(rows.Count == 20, $"precondition: the job's 20 devices were dispatched before its deadline, but {rows.Count} were");
        Assert.Equal("completed", (string?)job["status"]);
        Assert.NotEqual("9999-12-31T23:59:59.9999999Z", (string?)job["endTime"]);
        Assert.Equal("""{"deviceCount":20,"failedCount":20,"succeededCount":0,"runningCount":0,"pendingCount":0}""", job["deviceJobStatistics"]!.ToJsonString());
        Assert.All(rows.Values, r => Assert.Equal(("failed", "JobTimeout"), (r.Status, r.ErrorCode)));
    }
}
