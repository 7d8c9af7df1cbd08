using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Queries;

/// <summary><c>GET /jobs/v2/query</c>: filters in both casings, paging by headers and by query parameters.</summary>
[Collection(SystemCollection.Name)]
public sealed class JobQuerySpecs(SystemUnderTest system)
{
    [Theory]
    [InlineData("jobType=ScheduleDeviceMethod&jobStatus=Completed")]
    [InlineData("jobStatus=completed&jobType=scheduleDeviceMethod")]
    public async Task Filters_by_type_and_status_in_any_casing(string filter)
    {
        var (methodJobs, twinJobs) = await CreateJobsAsync();

        var listed = await AllPagesAsync($"/jobs/v2/query?{filter}", headers: true, pageSize: null);

        Assert.All(listed, j => Assert.Equal(("scheduleDeviceMethod", "completed"), ((string?)j["type"], (string?)j["status"])));
        var ids = listed.Select(j => (string)j["jobId"]!).ToList();
        Assert.All(methodJobs, id => Assert.Single(ids, id));
        Assert.DoesNotContain(twinJobs[0], ids);
    }

    [Fact]
    public async Task Filters_scheduled_twin_jobs_and_answers_full_JobResponses()
    {
        var (_, twinJobs) = await CreateJobsAsync();

        var listed = await AllPagesAsync("/jobs/v2/query?jobType=ScheduleUpdateTwin&jobStatus=Scheduled", headers: true, pageSize: null);

        Assert.All(listed, j => Assert.Equal(("scheduleUpdateTwin", "scheduled"), ((string?)j["type"], (string?)j["status"])));
        var ours = listed.Where(j => twinJobs.Contains((string)j["jobId"]!)).ToList();
        Assert.Equal(twinJobs, ours.Select(j => (string)j["jobId"]!));
        Assert.All(ours, j =>
        {
            Assert.Equal("9999-12-31T23:59:59.9999999Z", (string?)j["endTime"]);
            Assert.Equal("*", (string?)j["updateTwin"]!["etag"]);
            Assert.NotNull(j["queryCondition"]);
        });
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(true, 2)]
    [InlineData(false, 2)]
    [InlineData(false, 3)]
    public async Task Paging_lists_every_job_once_oldest_first_and_only_the_last_page_lacks_a_continuation(bool headers, int pageSize)
    {
        var (methodJobs, twinJobs) = await CreateJobsAsync();

        var listed = await AllPagesAsync("/jobs/v2/query", headers, pageSize);

        var ids = listed.Select(j => (string)j["jobId"]!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(methodJobs.Concat(twinJobs), id => Assert.Contains(id, ids));
        var created = listed.Select(j => DateTimeOffset.Parse((string)j["createdTime"]!)).ToList();
        Assert.Equal(created.Order(), created);
    }

    [Theory]
    [InlineData("jobType=scheduleDirectMethod")]
    [InlineData("jobType=scheduleTwinUpdate")]
    [InlineData("jobStatus=finished")]
    [InlineData("jobStatus=completed'%20OR%20'1'='1")]
    public async Task Unknown_filter_value_is_refused_with_400(string filter)
    {
        DeviceQuery.AssertError(await system.Hub.GetAsync($"/jobs/v2/query?{filter}"), HttpStatusCode.BadRequest, "ArgumentInvalid");
    }

    [Theory]
    [InlineData("jobType=export")]
    [InlineData("jobStatus=Enqueued")]
    public async Task A_wire_value_this_service_never_produces_lists_nothing(string filter)
    {
        var page = (await system.Hub.GetAsync($"/jobs/v2/query?{filter}")).EnsureStatus(HttpStatusCode.OK);

        Assert.Equal("[]", page.Text);
        Assert.Equal("JobResponse", page.Header("x-ms-item-type"));
    }

    [Fact]
    public async Task Tampered_continuation_token_is_refused_in_both_forms()
    {
        DeviceQuery.AssertError(await system.Hub.GetAsync("/jobs/v2/query?continuationToken=not-a-token"), HttpStatusCode.BadRequest, "ArgumentInvalid");
        DeviceQuery.AssertError(await system.Hub.SendAsync(HttpMethod.Get, "/jobs/v2/query", configure: r => r.Headers.TryAddWithoutValidation("x-ms-continuation", "%%%")),
            HttpStatusCode.BadRequest, "ArgumentInvalid");
        DeviceQuery.AssertError(await system.Hub.GetAsync("/jobs/v2/query?pageSize=0"), HttpStatusCode.BadRequest, "ArgumentInvalid");
    }

    private async Task<List<JsonNode>> AllPagesAsync(string path, bool headers, int? pageSize)
    {
        var items = new List<JsonNode>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var query = new List<string>();
            if (!headers && pageSize is { } size) query.Add($"pageSize={size}");
            if (!headers && continuation is not null) query.Add($"continuationToken={Uri.EscapeDataString(continuation)}");
            var url = query.Count == 0 ? path : path + (path.Contains('?') ? "&" : "?") + string.Join("&", query);
            var page = (await system.Hub.SendAsync(HttpMethod.Get, url, configure: r =>
            {
                if (headers && pageSize is { } n) r.Headers.TryAddWithoutValidation("x-ms-max-item-count", n.ToString());
                if (headers && continuation is not null) r.Headers.TryAddWithoutValidation("x-ms-continuation", continuation);
            })).EnsureStatus(HttpStatusCode.OK);
            Assert.Equal("JobResponse", page.Header("x-ms-item-type"));
            Assert.Equal("application/json; charset=utf-8", page.ContentType?.ToString());
            var array = page.Json.AsArray();
            if (pageSize is { } max) Assert.InRange(array.Count, 0, max);
            items.AddRange(array.Select(i => i!));
            continuation = page.Header("x-ms-continuation");
            Assert.NotEqual("", continuation);
            Assert.True(++pages < 2000, "the continuation never ends");
        } while (continuation is not null);
        return items;
    }

    /// <summary>Two method jobs that complete at once (no device matches) and two twin jobs scheduled a day ahead.</summary>
    private async Task<(List<string> MethodJobs, List<string> TwinJobs)> CreateJobsAsync()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var methodJobs = new List<string>();
        var twinJobs = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var jobId = $"jq-{run}-m{i}";
            (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{run}'"))).EnsureStatus(HttpStatusCode.OK);
            methodJobs.Add(jobId);
        }
        for (var i = 0; i < 2; i++)
        {
            var jobId = $"jq-{run}-t{i}";
            var job = new JsonObject
            {
                ["jobId"] = jobId, ["type"] = "scheduleUpdateTwin", ["queryCondition"] = $"tags.run = '{run}'",
                ["updateTwin"] = new JsonObject { ["etag"] = "*", ["tags"] = new JsonObject { ["touched"] = true } },
                ["startTime"] = DateTimeOffset.UtcNow.AddDays(1).ToString("O"),
            };
            (await system.Hub.PutAsync($"/jobs/v2/{jobId}", job)).EnsureStatus(HttpStatusCode.OK);
            twinJobs.Add(jobId);
        }
        foreach (var jobId in methodJobs) await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        foreach (var jobId in twinJobs) await WaitForStatusAsync(jobId, "scheduled");
        return (methodJobs, twinJobs);
    }

    private async Task WaitForStatusAsync(string jobId, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((string?)(await system.Hub.GetAsync($"/jobs/v2/{jobId}")).EnsureStatus(HttpStatusCode.OK).Json["status"] != status)
        {
            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} never became {status}");
            await Task.Delay(200);
        }
    }
}
