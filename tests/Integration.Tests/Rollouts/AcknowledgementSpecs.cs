using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Rollouts;

/// <summary>
/// Acknowledged twin jobs (docs/rollouts.md, "Acknowledged twin jobs") through the public API on simulated devices:
/// a device job completes only when the device's reported properties show what it was sent.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class AcknowledgementSpecs(SystemUnderTest system)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_device_that_reports_the_desired_values_completes_and_one_that_never_does_fails_timed_out()
    {
        var acknowledging = await Fleet.CreateAsync(system.Hub, $"rk-{_run}-a", 3, new JsonObject { ["run"] = _run });
        var silent = await Fleet.CreateAsync(system.Hub, $"rk-{_run}-b", 2,
            new JsonObject { ["run"] = _run, ["sim"] = new JsonObject { ["acknowledge"] = false } });
        var jobId = $"rk-{_run}";
        var job = new JsonObject
        {
            ["jobId"] = jobId,
            ["type"] = "scheduleUpdateTwin",
            ["updateTwin"] = JsonNode.Parse("""{"etag":"*","properties":{"desired":{"firmware":{"version":"2.1"},"mode":"eco"}}}"""),
            ["queryCondition"] = $"tags.run = '{_run}'",
            ["maxExecutionTimeInSeconds"] = 600,
            ["rollout"] = new JsonObject { ["acknowledgement"] = new JsonObject { ["timeoutInSeconds"] = 5 } },
        };
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", job)).EnsureStatus(HttpStatusCode.OK);

        var done = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal("completed", (string?)done["status"]);
        Assert.Equal(3, (int)done["deviceJobStatistics"]!["succeededCount"]!);
        Assert.Equal(2, (int)done["deviceJobStatistics"]!["failedCount"]!);
        var rows = await Ledger.RowsAsync(system, jobId);
        Assert.All(acknowledging, d => Assert.Equal("completed", rows[d].Status));
        Assert.All(silent, d => Assert.Equal(("failed", "AcknowledgementTimeout"), (rows[d].Status, rows[d].ErrorCode)));
        Assert.Equal(2, (int)done["rolloutStatus"]!["timedOutDevices"]!);

        // "completed" means applied: every acknowledging device's twin reports what it was sent; the silent ones report nothing.
        foreach (var device in acknowledging)
        {
            var twin = (await system.Hub.GetAsync($"/twins/{device}")).EnsureStatus(HttpStatusCode.OK).Json;
            Assert.Equal("2.1", (string?)twin["properties"]!["reported"]!["firmware"]!["version"]);
            Assert.Equal("eco", (string?)twin["properties"]!["reported"]!["mode"]);
        }
        foreach (var device in silent)
        {
            var twin = (await system.Hub.GetAsync($"/twins/{device}")).EnsureStatus(HttpStatusCode.OK).Json;
            Assert.Equal("eco", (string?)twin["properties"]!["desired"]!["mode"]);
            Assert.Null(twin["properties"]!["reported"]!["mode"]);
        }
    }
}
