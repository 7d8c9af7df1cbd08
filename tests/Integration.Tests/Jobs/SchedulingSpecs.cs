using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Faults;
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
        var query = $"tags.run = '{_run}'";

        // An hour ahead: it is seen queued, then scheduled, and not started, however slowly its timer is recorded.
        var later = $"sched-{_run}-later";
        var created = (await system.Hub.PutAsync($"/jobs/v2/{later}", Fleet.MethodJob(later, query, startTime: DateTimeOffset.UtcNow.AddHours(1))))
            .EnsureStatus(HttpStatusCode.OK).Json;
        Assert.Equal("queued", (string?)created["status"]);
        await Ledger.EventuallyAsync(async () => (string?)(await system.Hub.GetAsync($"/jobs/v2/{later}")).Json["status"] == "scheduled");
        Assert.Equal("waiting", (await Ledger.ScheduleAsync(system, later))?.State);
        Assert.Empty(await Ledger.RowsAsync(system, later));
        (await system.Hub.PostAsync($"/jobs/v2/{later}/cancel")).EnsureStatus(HttpStatusCode.OK); // so it never runs during a later spec

        // Seconds ahead, to see it start. Its timer must have been set before the start time, or "no earlier" proves nothing:
        // the scheduler reports the timer (JobScheduled) only when it records it ahead of the start time. A loaded machine may
        // take longer than the lead to record it; such a job still starts no earlier, and a new one tries a longer lead.
        foreach (var lead in ScheduleRowLock.Leads)
        {
            var soon = $"sched-{_run}-soon-{(int)lead.TotalSeconds}";
            var startTime = DateTimeOffset.UtcNow + lead;
            (await system.Hub.PutAsync($"/jobs/v2/{soon}", Fleet.MethodJob(soon, query, startTime: startTime))).EnsureStatus(HttpStatusCode.OK);
            var job = await Fleet.WaitUntilFinishedAsync(system.Hub, soon);

            Assert.Equal("completed", (string?)job["status"]);
            var schedule = (await Ledger.ScheduleAsync(system, soon))!;
            Assert.True(schedule.StartedAt >= schedule.StartAt, $"started at {schedule.StartedAt:O}, before its start time {schedule.StartAt:O}");
            Assert.Equal(5, (await Ledger.RowsAsync(system, soon)).Count);
            Assert.All((await Ledger.RowsAsync(system, soon)).Values, row => Assert.True(row.StartUtc >= startTime.UtcDateTime));
            if ((await Ledger.EventTypesAsync(system, soon)).Contains("job_scheduled")) return;
        }
        Assert.Fail("no job was seen scheduled before its start time, even 90 s ahead, so no waiting timer was seen to fire one");
    }

    [Fact]
    public async Task Start_timer_survives_a_restart_of_every_scheduler_and_the_job_runs_once()
    {
        var devices = await Fleet.CreateAsync(system.Hub, $"durable-{_run}", 20, new JsonObject { ["run"] = _run });
        // Held while it waits, the timer cannot fire between the look at it and the kills, however long they take.
        var (jobId, timer, lead) = await ScheduleRowLock.HoldWaitingTimerAsync(system, $"durable-{_run}", async (id, startTime) =>
            (await system.Hub.PutAsync($"/jobs/v2/{id}", Fleet.MethodJob(id, $"tags.run = '{_run}'", startTime: startTime))).EnsureStatus(HttpStatusCode.OK));

        Ledger.Schedule whileDown;
        try
        {
            await using (timer)
            {
                await system.Services["scheduler-1"].KillAsync();
                await system.Services["scheduler-2"].KillAsync();
            }
            // The start time passes while no scheduler runs.
            await Ledger.EventuallyAsync(async () => (await Ledger.ScheduleAsync(system, jobId))!.Due, within: lead + TimeSpan.FromMinutes(1));
            whileDown = (await Ledger.ScheduleAsync(system, jobId))!;
        }
        finally
        {
            // Whatever happens, later specs need their schedulers.
            await Task.WhenAll(system.RestartAsync("scheduler-1"), system.RestartAsync("scheduler-2"));
        }
        Assert.Equal(("waiting", (DateTime?)null), (whileDown.State, whileDown.StartedAt));

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
        // Two fan-out chunks (FanOutChunk.ChunkSize is 1,000): the first holds the devices created before the start, the
        // second would hold the later ones if the start did not bound the targets. The first is held at a barrier until the
        // later devices exist, so the second is read after they were created, however fast the fan-out would have run.
        var before = await Fleet.CreateAsync(system.Hub, $"late-{_run}-a", 1000, new JsonObject { ["run"] = _run });
        var jobId = $"late-{_run}";
        List<string> after;
        await using (await FanOutBarrier.HoldAsync(system.Database, jobId, before[^1]))
        {
            (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{_run}'"))).EnsureStatus(HttpStatusCode.OK);
            await Ledger.EventuallyAsync(async () => (await Ledger.ScheduleAsync(system, jobId))?.StartedAt is not null);
            after = await Fleet.CreateAsync(system.Hub, $"late-{_run}-b", 5, new JsonObject { ["run"] = _run });
            Assert.True(await CreatedAfterTheStartAsync(jobId, after), "precondition: the later devices were created after the job started");
            Assert.Empty(await Ledger.RowsAsync(system, jobId)); // nothing dispatched yet: the first chunk waits at the barrier
        }

        var job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal(1000, (int)job["deviceJobStatistics"]!["deviceCount"]!);
        Assert.Equal(before.Order(StringComparer.Ordinal), (await Ledger.RowsAsync(system, jobId)).Keys.Order(StringComparer.Ordinal));
    }

    private async Task<bool> CreatedAfterTheStartAsync(string jobId, List<string> devices)
    {
        await using var cmd = system.Database.CreateCommand("""
            select bool_and(d.created_at > s.started_at) from registry.devices d, scheduler.job_schedules s
             where s.job_id = $1 and d.device_id = any($2)
            """);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(devices.ToArray());
        return await cmd.ExecuteScalarAsync() is true;
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
