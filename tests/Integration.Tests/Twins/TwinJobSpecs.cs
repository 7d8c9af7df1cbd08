using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;
using static Integration.Tests.Twins.TwinRequests;

namespace Integration.Tests.Twins;

[Collection(SystemCollection.Name)]
public sealed class TwinJobSpecs(SystemUnderTest system)
{
    /// <summary>A job body as the Node SDK sends it, with the extra fields real clients echo (deviceId null, empty reported).</summary>
    private static JsonObject TwinJob(string jobId, string queryCondition, JsonNode updateTwin) => new()
    {
        ["jobId"] = jobId,
        ["type"] = "scheduleUpdateTwin",
        ["updateTwin"] = updateTwin,
        ["queryCondition"] = queryCondition,
        ["startTime"] = null,
        ["maxExecutionTimeInSeconds"] = 600,
    };

    [Fact]
    public async Task Twin_job_over_100_devices_updates_every_twin_once_and_the_devices_acknowledge()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var devices = await Fleet.CreateAsync(system.Hub, $"twinjob-{run}", 100, new JsonObject { ["run"] = run });
        var jobId = $"twinjob-{run}";
        var patch = JsonNode.Parse("""
            {"deviceId":null,"etag":"*","tags":{"rollout":"RUN"},
             "properties":{"desired":{"mode":"eco","settings":{"interval":30}},"reported":{}}}
            """.Replace("RUN", run))!;

        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", TwinJob(jobId, $"tags.run = '{run}'", patch))).EnsureStatus(HttpStatusCode.OK);
        var job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);

        Assert.Equal("completed", (string?)job["status"]);
        Assert.Equal(
            """{"deviceCount":100,"failedCount":0,"succeededCount":100,"runningCount":0,"pendingCount":0}""",
            job["deviceJobStatistics"]!.ToJsonString());
        foreach (var deviceId in devices)
        {
            // Reported properties arrive after the job completes: poll until the device's acknowledgement is in.
            var twin = await WaitForAsync(system.Hub, deviceId, t => (string?)t["properties"]?["reported"]?["mode"] == "eco");
            Assert.Equal(run, (string?)twin["tags"]!["rollout"]);
            Assert.Equal(run, (string?)twin["tags"]!["run"]);
            Assert.Equal("""{"interval":30}""", twin["properties"]!["desired"]!["settings"]!.ToJsonString());
            Assert.Equal(2, (long)twin["version"]!);
            Assert.Equal(2, (long)twin["properties"]!["desired"]!["$version"]!);
            Assert.Equal(2, (long)twin["properties"]!["desired"]!["$metadata"]!["settings"]!["interval"]!["$lastUpdatedVersion"]!);
            Assert.Equal(30, (int)twin["properties"]!["reported"]!["settings"]!["interval"]!);
            Assert.Equal(2, (long)twin["properties"]!["reported"]!["$version"]!);
        }
        Assert.All(await OutcomesAsync(jobId), outcome => Assert.Equal("""{"deviceMethodResponse":null}""", outcome));
    }

    [Theory]
    [InlineData("""{"etag":"AAAAAAAAAAE=","properties":{"desired":{"x":1}}}""")]
    [InlineData("""{"properties":{"desired":{"x":1}}}""")]
    public async Task Twin_job_without_a_forced_etag_is_refused_with_412(string updateTwin)
    {
        var jobId = $"twinetag-{Guid.NewGuid():N}"[..24];

        var response = await system.Hub.PutAsync($"/jobs/v2/{jobId}", TwinJob(jobId, "*", JsonNode.Parse(updateTwin)!));

        response.EnsureStatus(HttpStatusCode.PreconditionFailed);
        Assert.Equal("PreconditionFailed", response.Header("iothub-errorcode"));
        (await system.Hub.GetAsync($"/jobs/v2/{jobId}")).EnsureStatus(HttpStatusCode.NotFound);
    }

    /// <summary>The devices.jobs outcome of every device of a job, read from the ledger (the query API is not under test here).</summary>
    private async Task<List<string>> OutcomesAsync(string jobId)
    {
        await using var cmd = system.Database.CreateCommand("select outcome::text from dispatch.device_jobs where job_id = $1");
        cmd.Parameters.AddWithValue(jobId);
        var outcomes = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) outcomes.Add(JsonNode.Parse(reader.GetString(0))!.ToJsonString());
        return outcomes;
    }
}
