using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.Jobs;

[Collection(SystemCollection.Name)]
public sealed class SchedulingSpecs(SystemUnderTest system)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Future_job_is_queued_then_scheduled_and_starts_no_earlier_than_its_start_time()
    {
        await Fleet.CreateAsync(system.Hub, $"sched-{_run}", 5, new JsonObject { ["run"] = _run });
        var jobId = $"sched-{_run}";
        var startTime = DateTimeOffset.UtcNow.AddSeconds(4);

        var created = (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{_run}'", startTime: startTime)))
            .EnsureStatus(HttpStatusCode.OK).Json;
        Assert.Equal("queued", (string?)created["status"]);
        await Ledger.EventuallyAsync(async () => (string?)(await system.Hub.GetAsync($"/jobs/v2/{jobId}")).Json["status"] == "scheduled", TimeSpan.FromSeconds(3));
        Assert.Equal("scheduled", (string?)(await system.Hub.GetAsync($"/jobs/v2/{jobId}")).Json["status"]);

        var job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal("completed", (string?)job["status"]);
        Assert.All((await Ledger.RowsAsync(system, jobId)).Values, row => Assert.True(row.StartUtc >= startTime.UtcDateTime));
    }

    [Fact]
    public async Task Start_timer_survives_a_restart_of_every_scheduler_and_the_job_runs_once()
    {
        var devices = await Fleet.CreateAsync(system.Hub, $"durable-{_run}", 20, new JsonObject { ["run"] = _run });
        var jobId = $"durable-{_run}";
        // Far enough ahead that both schedulers are surely down before it, even on a loaded machine.
        var startTime = DateTimeOffset.UtcNow.AddSeconds(10);
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{_run}'", startTime: startTime))).EnsureStatus(HttpStatusCode.OK);
        await Ledger.EventuallyAsync(async () => await Ledger.ScheduleStateAsync(system, jobId) == "waiting");
        Assert.Equal("waiting", await Ledger.ScheduleStateAsync(system, jobId));

        string? stateWhileDown;
        try
        {
            await system.Services["scheduler-1"].KillAsync();
            await system.Services["scheduler-2"].KillAsync();
            await Ledger.EventuallyAsync(() => Task.FromResult(DateTimeOffset.UtcNow > startTime.AddSeconds(1)));
            stateWhileDown = await Ledger.ScheduleStateAsync(system, jobId);
        }
        finally
        {
            // Whatever happens, later specs need their schedulers.
            await Task.WhenAll(system.RestartAsync("scheduler-1"), system.RestartAsync("scheduler-2"));
        }
        Assert.Equal("waiting", stateWhileDown);

        var job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal(20, (int)job["deviceJobStatistics"]!["succeededCount"]!);
        var executions = await Ledger.ExecutionsAsync(system, jobId);
        Assert.Equal(devices.Count, executions.Count);
        Assert.All(executions.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task Two_schedulers_start_each_of_many_jobs_exactly_once()
    {
        var devices = await Fleet.CreateAsync(system.Hub, $"pair-{_run}", 10, new JsonObject { ["run"] = _run });
        var jobIds = Enumerable.Range(0, 12).Select(i => $"pair-{_run}-{i}").ToList();
        await Task.WhenAll(jobIds.Select(id => system.Hub.PutAsync($"/jobs/v2/{id}", Fleet.MethodJob(id, $"tags.run = '{_run}'"))));

        foreach (var jobId in jobIds)
        {
            var job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
            Assert.Equal("""{"deviceCount":10,"failedCount":0,"succeededCount":10,"runningCount":0,"pendingCount":0}""", job["deviceJobStatistics"]!.ToJsonString());
            var executions = await Ledger.ExecutionsAsync(system, jobId);
            Assert.Equal(devices.Count, executions.Count);
            Assert.All(executions.Values, n => Assert.Equal(1, n));
        }
    }

    [Fact]
    public async Task Devices_added_after_the_start_are_not_targeted()
    {
        await Fleet.CreateAsync(system.Hub, $"late-{_run}-a", 10, new JsonObject { ["run"] = _run, ["sim"] = new JsonObject { ["latencyMs"] = 1500 } });
        var jobId = $"late-{_run}";
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{_run}'"))).EnsureStatus(HttpStatusCode.OK);
        await Ledger.EventuallyAsync(async () => (string?)(await system.Hub.GetAsync($"/jobs/v2/{jobId}")).Json["status"] == "running");
        await Fleet.CreateAsync(system.Hub, $"late-{_run}-b", 5, new JsonObject { ["run"] = _run });

        var job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal(10, (int)job["deviceJobStatistics"]!["deviceCount"]!);
    }

    [Fact]
    public async Task Invalid_query_condition_is_refused_at_creation_with_its_position()
    {
        var jobId = $"badq-{_run}";
        var response = await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, "tags.a = AND tags.b = 1"));
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("ErrorCode:ArgumentInvalid;", (string?)response.Json["Message"]);
        Assert.Contains("position", (string?)response.Json["Message"]);
        Assert.Equal(HttpStatusCode.NotFound, (await system.Hub.GetAsync($"/jobs/v2/{jobId}")).Status);
    }

    [Fact]
    public async Task Reusing_a_job_id_is_refused_with_JobAlreadyExists()
    {
        var jobId = $"dup-{_run}";
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, "tags.nothing = 1"))).EnsureStatus(HttpStatusCode.OK);
        var again = await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, "tags.nothing = 1"));
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("JobAlreadyExists", again.Header("iothub-errorcode"));
    }
}
