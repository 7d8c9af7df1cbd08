using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Rollouts;

/// <summary>
/// Recurring jobs (docs/rollouts.md, "Recurrence") through the public API. The services run on the real clock, so each
/// template fires every minute; the templates the specs watch are created together (<see cref="EveryMinuteTemplates"/>),
/// so their waits for the next minute overlap instead of adding up, whatever this machine's speed.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RecurrenceSpecs(SystemUnderTest system, RecurrenceSpecs.EveryMinuteTemplates templates)
    : IClassFixture<RecurrenceSpecs.EveryMinuteTemplates>
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_template_creates_a_child_job_at_each_occurrence_and_its_cancel_stops_the_next_ones()
    {
        var (templateId, devices) = (await templates.CreateOnceAsync(system)).CancelledAfterItsFirstChild;

        // The template itself never runs: it waits for its occurrences.
        await Ledger.EventuallyAsync(async () => (string?)(await system.Hub.GetAsync($"/jobs/v2/{templateId}")).Json["status"] == "scheduled");
        List<JsonNode> children = [];
        await Ledger.EventuallyAsync(async () => (children = await ChildrenAsync(templateId)).Count > 0, TimeSpan.FromSeconds(120));

        var cancelled = (await system.Hub.PostAsync($"/jobs/v2/{templateId}/cancel")).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.Equal("cancelled", (string?)cancelled["status"]);
        Assert.Equal("* * * * *", (string?)cancelled["recurrence"]!["cron"]);
        await Ledger.EventuallyAsync(async () => await RecurrenceStateAsync(templateId) == "cancelled");
        children = await ChildrenAsync(templateId);

        var pattern = new Regex($"^{templateId}-(\\d{{8}})T(\\d{{4}})Z$");
        foreach (var child in children)
        {
            var id = (string)child["jobId"]!;
            Assert.Matches(pattern, id);
            var done = await Fleet.WaitUntilFinishedAsync(system.Hub, id);
            Assert.Equal("completed", (string?)done["status"]);
            Assert.Equal(2, (int)done["deviceJobStatistics"]!["succeededCount"]!);
            Assert.Equal("scheduleDeviceMethod", (string?)done["type"]);
            Assert.Equal("reboot", (string?)done["cloudToDeviceMethod"]!["methodName"]);
            Assert.Null(done["recurrence"]);
            // Named after its occurrence, to the minute, in UTC; it starts then.
            var start = DateTimeOffset.Parse((string)done["startTime"]!, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime;
            Assert.Equal(id, $"{templateId}-{start:yyyyMMdd'T'HHmm'Z'}");
            Assert.Equal(0, start.Second);
            var executions = await Ledger.ExecutionsAsync(system, id);
            Assert.All(devices, d => Assert.Equal(1, executions.GetValueOrDefault(d)));
        }
        Assert.Equal(children.Count, children.Select(c => (string)c["jobId"]!).Distinct().Count());
    }

    [Fact]
    public async Task A_recurring_jobs_id_leaves_room_for_the_names_of_its_occurrences()
    {
        var jobId = ("rl-" + _run).PadRight(50, 'x');
        var job = Fleet.MethodJob(jobId, "tags.run = 'none'");
        job["recurrence"] = new JsonObject { ["cron"] = "0 3 * * 1" };
        var refused = await system.Hub.PutAsync($"/jobs/v2/{jobId}", job);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("at most 49 characters", (string?)refused.Json["Message"]);
    }

    [Fact]
    public async Task GET_jobs_query_lists_the_template_as_scheduled_and_its_children_as_jobs_of_their_own_with_their_own_status()
    {
        var templateId = (await templates.CreateOnceAsync(system)).Listed.Id;
        List<JsonNode> children = [];
        await Ledger.EventuallyAsync(async () => (children = await ChildrenAsync(templateId)).Count > 0, TimeSpan.FromSeconds(120));
        var childId = (string)children[0]["jobId"]!;
        await Fleet.WaitUntilFinishedAsync(system.Hub, childId);

        // Unfiltered: the template, still scheduled with its recurrence, and the child, completed with its own statistics.
        var listed = await ListedAsync("");
        var shown = Assert.Single(listed, j => (string?)j["jobId"] == templateId);
        Assert.Equal("scheduled", (string?)shown["status"]);
        Assert.Equal("scheduleDeviceMethod", (string?)shown["type"]);
        Assert.Equal("* * * * *", (string?)shown["recurrence"]!["cron"]);
        var child = Assert.Single(listed, j => (string?)j["jobId"] == childId);
        Assert.Equal("completed", (string?)child["status"]);
        Assert.Equal("scheduleDeviceMethod", (string?)child["type"]);
        Assert.Null(child["recurrence"]);
        Assert.Equal(1, (int)child["deviceJobStatistics"]!["succeededCount"]!);

        // The IoT Hub filters see each by its own status and type.
        Assert.Contains(await ListedAsync("?jobStatus=scheduled"), j => (string?)j["jobId"] == templateId);
        Assert.DoesNotContain(await ListedAsync("?jobStatus=scheduled"), j => (string?)j["jobId"] == childId);
        Assert.Contains(await ListedAsync("?jobType=scheduleDeviceMethod&jobStatus=completed"), j => (string?)j["jobId"] == childId);
        Assert.DoesNotContain(await ListedAsync("?jobStatus=completed"), j => (string?)j["jobId"] == templateId);
        Assert.DoesNotContain(await ListedAsync("?jobType=scheduleUpdateTwin"), j => ((string?)j["jobId"])!.StartsWith(templateId, StringComparison.Ordinal));

        // Cancelled, the template is listed as cancelled; the child it made stays listed as it ended.
        (await system.Hub.PostAsync($"/jobs/v2/{templateId}/cancel")).EnsureStatus(HttpStatusCode.OK);
        Assert.Contains(await ListedAsync("?jobStatus=cancelled"), j => (string?)j["jobId"] == templateId);
        Assert.Contains(await ListedAsync("?jobStatus=completed"), j => (string?)j["jobId"] == childId);
    }

    [Fact]
    public async Task After_a_scheduler_crash_the_template_still_creates_its_next_occurrence_exactly_once()
    {
        var (templateId, devices) = (await templates.CreateOnceAsync(system)).SurvivingACrash;
        await Ledger.EventuallyAsync(async () => (await ChildrenAsync(templateId)).Count > 0, TimeSpan.FromSeconds(120));

        // kill -9 of both scheduler replicas, which own the occurrence rows: nothing they kept in memory survives.
        await Task.WhenAll(system.RestartAsync("scheduler-1"), system.RestartAsync("scheduler-2"));
        var restarted = DateTimeOffset.UtcNow;
        await Ledger.EventuallyAsync(async () => (await ChildrenAsync(templateId)).Any(c => OccurrenceOf((string)c["jobId"]!) > restarted),
            TimeSpan.FromSeconds(150));
        (await system.Hub.PostAsync($"/jobs/v2/{templateId}/cancel")).EnsureStatus(HttpStatusCode.OK);
        await Ledger.EventuallyAsync(async () => await RecurrenceStateAsync(templateId) == "cancelled");

        var children = await ChildrenAsync(templateId);
        Assert.True(children.Count >= 2);
        Assert.Equal(children.Count, children.Select(c => OccurrenceOf((string)c["jobId"]!)).Distinct().Count());
        foreach (var child in children)
        {
            var id = (string)child["jobId"]!;
            var done = await Fleet.WaitUntilFinishedAsync(system.Hub, id);
            Assert.Equal("completed", (string?)done["status"]);
            Assert.Equal(2, (int)done["deviceJobStatistics"]!["deviceCount"]!);
            Assert.Equal(2, (int)done["deviceJobStatistics"]!["succeededCount"]!);
            // Created once: a repeated request for the occurrence (a crash between asking and moving the row on) made nothing.
            Assert.Equal(1, (await Ledger.EventTypesAsync(system, id)).Count(t => t == "job_created"));
            var executions = await Ledger.ExecutionsAsync(system, id);
            Assert.All(devices, d => Assert.Equal(1, executions.GetValueOrDefault(d)));
        }
    }

    private static DateTimeOffset OccurrenceOf(string childId) => DateTimeOffset.ParseExact(childId[^14..], "yyyyMMdd'T'HHmm'Z'",
        System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);

    /// <summary>The template's children as <c>GET /jobs/v2/query</c> lists them (every page).</summary>
    private async Task<List<JsonNode>> ChildrenAsync(string templateId) =>
        (await ListedAsync("")).Where(j => ((string?)j["jobId"])?.StartsWith(templateId + "-", StringComparison.Ordinal) == true).ToList();

    /// <summary>Every job <c>GET /jobs/v2/query{filter}</c> lists (every page).</summary>
    private async Task<List<JsonNode>> ListedAsync(string filter)
    {
        var jobs = new List<JsonNode>();
        string? continuation = null;
        do
        {
            var page = await system.Hub.SendAsync(HttpMethod.Get, "/jobs/v2/query" + filter, configure: r =>
            {
                r.Headers.TryAddWithoutValidation("x-ms-max-item-count", "100");
                if (continuation is not null) r.Headers.TryAddWithoutValidation("x-ms-continuation", continuation);
            });
            page.EnsureStatus(HttpStatusCode.OK);
            jobs.AddRange(page.Json.AsArray().Select(j => j!));
            continuation = page.Header("x-ms-continuation");
        } while (continuation is not null);
        return jobs;
    }

    private async Task<string?> RecurrenceStateAsync(string templateId)
    {
        await using var cmd = system.Database.CreateCommand("select state from scheduler.job_recurrences where job_id = $1");
        cmd.Parameters.AddWithValue(templateId);
        return await cmd.ExecuteScalarAsync() as string;
    }

    /// <summary>An every-minute template and the devices its query selects.</summary>
    public sealed record Template(string Id, IReadOnlyList<string> Devices);

    public sealed record Created(Template CancelledAfterItsFirstChild, Template Listed, Template SurvivingACrash);

    /// <summary>
    /// The three every-minute templates, created together by whichever spec asks first; each spec then watches its own.
    /// When the class ends they are cancelled, whatever its specs did, so no template outlives it.
    /// </summary>
    public sealed class EveryMinuteTemplates : IAsyncLifetime
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private SystemUnderTest? _system;
        private Created? _created;

        public async Task<Created> CreateOnceAsync(SystemUnderTest system)
        {
            await _gate.WaitAsync();
            try
            {
                if (_created is not null) return _created;
                _system = system;
                var run = Guid.NewGuid().ToString("N")[..8];
                var made = await Task.WhenAll(
                    CreateAsync(system, $"rr-{run}", 2), CreateAsync(system, $"rq-{run}", 1), CreateAsync(system, $"rk-{run}", 2));
                return _created = new Created(made[0], made[1], made[2]);
            }
            finally
            {
                _gate.Release();
            }
        }

        private static async Task<Template> CreateAsync(SystemUnderTest system, string templateId, int deviceCount)
        {
            var devices = await Fleet.CreateAsync(system.Hub, templateId, deviceCount, new JsonObject { ["run"] = templateId });
            var template = Fleet.MethodJob(templateId, $"tags.run = '{templateId}'");
            template["recurrence"] = new JsonObject { ["cron"] = "* * * * *", ["timeZone"] = "UTC" };
            (await system.Hub.PutAsync($"/jobs/v2/{templateId}", template)).EnsureStatus(HttpStatusCode.OK);
            return new Template(templateId, devices);
        }

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            if (_created is null) return;
            foreach (var template in new[] { _created.CancelledAfterItsFirstChild, _created.Listed, _created.SurvivingACrash })
                await _system!.Hub.PostAsync($"/jobs/v2/{template.Id}/cancel");
        }
    }
}
