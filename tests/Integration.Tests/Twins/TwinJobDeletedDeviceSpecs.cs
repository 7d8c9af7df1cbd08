using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Twins;

[Collection(SystemCollection.Name)]
public sealed class TwinJobDeletedDeviceSpecs(SystemUnderTest system)
{
    [Fact]
    public async Task A_device_deleted_between_start_and_dispatch_fails_with_DeviceNotFound()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var devices = await Fleet.CreateAsync(system.Hub, $"gone-{run}", 6, new JsonObject { ["run"] = run });
        var jobId = $"gone-{run}";
        // With no executor running, the job starts and its device jobs wait, pending, for dispatch.
        await system.Services["executor-1"].KillAsync();
        await system.Services["executor-2"].KillAsync();
        try
        {
            (await system.Hub.PutAsync($"/jobs/v2/{jobId}", new JsonObject
            {
                ["jobId"] = jobId, ["type"] = "scheduleUpdateTwin", ["queryCondition"] = $"tags.run = '{run}'",
                ["updateTwin"] = new JsonObject { ["etag"] = "*", ["tags"] = new JsonObject { ["wave"] = "1" } },
            })).EnsureStatus(HttpStatusCode.OK);
            await Ledger.EventuallyAsync(async () => (await Ledger.RowsAsync(system, jobId)).Count == devices.Count);
            Assert.Equal(devices.Count, (await Ledger.RowsAsync(system, jobId)).Count);
            foreach (var deleted in devices.Take(2))
                (await system.Hub.SendAsync(HttpMethod.Delete, $"/devices/{deleted}", configure: r => r.Headers.TryAddWithoutValidation("If-Match", "\"*\"")))
                    .EnsureStatus(HttpStatusCode.NoContent);
        }
        finally
        {
            await Task.WhenAll(system.RestartAsync("executor-1"), system.RestartAsync("executor-2"));
        }

        var job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal("""{"deviceCount":6,"failedCount":2,"succeededCount":4,"runningCount":0,"pendingCount":0}""", job["deviceJobStatistics"]!.ToJsonString());
        var rows = await Ledger.RowsAsync(system, jobId);
        Assert.All(devices.Take(2), id => Assert.Equal(("failed", "DeviceNotFound"), (rows[id].Status, rows[id].ErrorCode)));
        Assert.All(devices.Skip(2), id => Assert.Equal("completed", rows[id].Status));
    }
}
