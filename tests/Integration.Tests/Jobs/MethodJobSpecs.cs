using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.Jobs;

[Collection(SystemCollection.Name)]
public sealed class MethodJobSpecs(SystemUnderTest system)
{
    [Fact]
    public async Task Method_job_over_200_devices_invokes_each_device_exactly_once_with_exact_statistics()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var devices = await Fleet.CreateAsync(system.Hub, $"walk-{run}", 200, new JsonObject { ["run"] = run });
        var jobId = $"walk-{run}";

        var created = (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{run}'")))
            .EnsureStatus(HttpStatusCode.OK).Json;
        Assert.Equal("queued", (string?)created["status"]);

        var job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal("completed", (string?)job["status"]);
        Assert.Equal(
            """{"deviceCount":200,"failedCount":0,"succeededCount":200,"runningCount":0,"pendingCount":0}""",
            job["deviceJobStatistics"]!.ToJsonString());
        Assert.NotEqual("9999-12-31T23:59:59.9999999Z", (string?)job["endTime"]);

        var executions = await ExecutionsPerDeviceAsync(jobId);
        Assert.Equal(devices.Order(StringComparer.Ordinal), executions.Keys.Order(StringComparer.Ordinal));
        Assert.All(executions.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task Job_whose_query_matches_no_device_completes_with_zero_counts()
    {
        var jobId = $"empty-{Guid.NewGuid():N}"[..20];
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, "tags.nothing = 'matches this'"))).EnsureStatus(HttpStatusCode.OK);

        var job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal("completed", (string?)job["status"]);
        Assert.Equal(0, (int)job["deviceJobStatistics"]!["deviceCount"]!);
    }

    private async Task<Dictionary<string, int>> ExecutionsPerDeviceAsync(string jobId)
    {
        await using var cmd = system.Database.CreateCommand(
            "select device_id, count(*)::int from devicesim.executions where job_id = $1 group by device_id");
        cmd.Parameters.AddWithValue(jobId);
        var counts = new Dictionary<string, int>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) counts[reader.GetString(0)] = reader.GetInt32(1);
        return counts;
    }
}
