using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Queries;

/// <summary>
/// <c>SELECT * FROM devices.jobs</c> after a small method job: records as docs/iothub-api.md, "Device jobs", describes
/// them.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed partial class DeviceJobQuerySpecs(SystemUnderTest system)
{
    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")]
    private static partial Regex IsoUtc();

    [Fact]
    public async Task Device_job_records_show_each_device_status_outcome_and_error_across_pages()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var answering = await Fleet.CreateAsync(system.Hub, $"djq-{run}-a", 2, new JsonObject { ["run"] = run });
        var offline = await Fleet.CreateAsync(system.Hub, $"djq-{run}-b", 1,
            new JsonObject { ["run"] = run, ["sim"] = new JsonObject { ["offline"] = true } });
        var jobId = $"djq-{run}";
        var payload = new JsonObject { ["n"] = 1, ["text"] = "hi" };
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{run}'", "echo", payload, responseTimeoutInSeconds: 5)))
            .EnsureStatus(HttpStatusCode.OK);
        await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);

        var pages = await DeviceQuery.AllPagesAsync(system.Hub, $"SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '{jobId}'", pageSize: 2);

        Assert.Equal(2, pages.Count);
        Assert.All(pages, p => Assert.Equal("DeviceJob", p.Header("x-ms-item-type")));
        var records = DeviceQuery.Items(pages);
        Assert.Equal(answering.Concat(offline), records.Select(r => (string)r["deviceId"]!));
        Assert.All(records, r =>
        {
            Assert.Equal(jobId, (string?)r["jobId"]);
            Assert.Equal("scheduleDeviceMethod", (string?)r["jobType"]);
            foreach (var date in new[] { "startTimeUtc", "endTimeUtc", "createdDateTimeUtc", "lastUpdatedDateTimeUtc" })
                Assert.Matches(IsoUtc(), (string?)r[date] ?? $"{date} missing");
        });
        foreach (var done in records.Take(2))
        {
            Assert.Equal("completed", (string?)done["status"]);
            Assert.True(JsonNode.DeepEquals(new JsonObject { ["status"] = 200, ["payload"] = payload.DeepClone() }, done["outcome"]!["deviceMethodResponse"]),
                done.ToJsonString());
        }
        var failed = records[2];
        Assert.Equal("failed", (string?)failed["status"]);
        Assert.Equal("DeviceNotOnline", (string?)failed["error"]!["code"]);
        Assert.Null(failed["outcome"]!["deviceMethodResponse"]);
    }

    [Fact]
    public async Task Device_job_conditions_filter_by_status_and_error_code()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        await Fleet.CreateAsync(system.Hub, $"djf-{run}-a", 1, new JsonObject { ["run"] = run });
        var offline = await Fleet.CreateAsync(system.Hub, $"djf-{run}-b", 2,
            new JsonObject { ["run"] = run, ["sim"] = new JsonObject { ["offline"] = true } });
        var jobId = $"djf-{run}";
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{run}'"))).EnsureStatus(HttpStatusCode.OK);
        await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);

        var failed = DeviceQuery.Items(await DeviceQuery.AllPagesAsync(system.Hub,
            $"select * from devices.jobs where jobId = '{jobId}' and status = 'failed' and error.code = 'DeviceNotOnline'"));

        var all = DeviceQuery.Items(await DeviceQuery.AllPagesAsync(system.Hub, $"SELECT * FROM devices.jobs WHERE jobId = '{jobId}'"));
        Assert.True(offline.SequenceEqual(failed.Select(r => (string)r["deviceId"]!)), string.Join("\n", all.Select(r => r.ToJsonString())));
    }

    [Theory]
    [InlineData("SELECT deviceId FROM devices.jobs", "devices.jobs queries only support SELECT *")]
    [InlineData("SELECT * FROM devices.jobs WHERE tags.run = 'x'", "devices.jobs has no property 'tags.run'")]
    public async Task Device_job_queries_refuse_what_IoT_Hub_does_not_support(string query, string expected)
    {
        var message = DeviceQuery.AssertError(await DeviceQuery.PageAsync(system.Hub, query), HttpStatusCode.BadRequest, "ArgumentInvalid");

        Assert.Contains(expected, message, StringComparison.Ordinal);
    }
}
