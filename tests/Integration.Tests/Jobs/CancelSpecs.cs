using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Faults;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.Jobs;

[Collection(SystemCollection.Name)]
public sealed class CancelSpecs(SystemUnderTest system)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Cancelled_queued_job_answers_cancelled_at_once_and_never_starts()
    {
        var jobId = $"cq-{_run}";
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, "*", startTime: DateTimeOffset.UtcNow.AddHours(1)))).EnsureStatus(HttpStatusCode.OK);

        var cancelled = (await system.Hub.PostAsync($"/jobs/v2/{jobId}/cancel")).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.Equal("cancelled", (string?)cancelled["status"]);
        Assert.NotEqual("9999-12-31T23:59:59.9999999Z", (string?)cancelled["endTime"]);

        await Ledger.EventuallyAsync(async () => await Ledger.ScheduleStateAsync(system, jobId) == "cancelled");
        Assert.Equal("cancelled", await Ledger.ScheduleStateAsync(system, jobId));
        Assert.Empty(await Ledger.RowsAsync(system, jobId));
    }

    [Fact]
    public async Task Cancelled_scheduled_job_never_starts()
    {
        await Fleet.CreateAsync(system.Hub, $"cs-{_run}", 5, new JsonObject { ["run"] = _run });
        var jobId = $"cs-{_run}";
        var control = $"cs-{_run}-control";
        // No timer fires while the gate is held: the start time passes before the cancel reaches the scheduler, however
        // long either takes, as when a cancel comes late behind a backlog.
        await using (await SchedulerGate.HoldAsync(system.Database))
        {
            (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{_run}'", startTime: DateTimeOffset.UtcNow.AddSeconds(3))))
                .EnsureStatus(HttpStatusCode.OK);
            await Ledger.EventuallyAsync(async () => await Ledger.ScheduleStateAsync(system, jobId) == "waiting");
            await Ledger.EventuallyAsync(async () => (await Ledger.ScheduleAsync(system, jobId))!.Due);

            var cancelled = (await system.Hub.PostAsync($"/jobs/v2/{jobId}/cancel")).EnsureStatus(HttpStatusCode.OK).Json;
            Assert.Equal("cancelled", (string?)cancelled["status"]);
            await Ledger.EventuallyAsync(async () => await Ledger.ScheduleStateAsync(system, jobId) == "cancelled");
            // A job due as well, whose start shows that the starters have passed since the gate opened.
            (await system.Hub.PutAsync($"/jobs/v2/{control}", Fleet.MethodJob(control, $"tags.run = '{_run}-none'"))).EnsureStatus(HttpStatusCode.OK);
            await Ledger.EventuallyAsync(async () => await Ledger.ScheduleStateAsync(system, control) == "waiting");
        }
        await Ledger.EventuallyAsync(async () => (await Ledger.ScheduleAsync(system, control))!.StartedAt is not null);

        Assert.Equal("cancelled", (string?)(await system.Hub.GetAsync($"/jobs/v2/{jobId}")).Json["status"]);
        var schedule = (await Ledger.ScheduleAsync(system, jobId))!;
        Assert.Equal(("cancelled", (DateTime?)null), (schedule.State, schedule.StartedAt));
        Assert.Empty(await Ledger.RowsAsync(system, jobId));
        Assert.Empty(await Ledger.ExecutionsAsync(system, jobId));
    }

    [Fact]
    public async Task Cancelling_a_running_job_cancels_undispatched_devices_lets_in_flight_ones_finish_and_keeps_statistics_exact()
    {
        // Three chunks of 1,000 devices: the first dispatched, the second held at a barrier until the cancel waits behind it.
        var devices = (await Fleet.CreateAsync(system.Hub, $"cr-{_run}", 3000, new JsonObject { ["run"] = _run, ["sim"] = new JsonObject { ["latencyMs"] = 2000 } }))
            .Order(StringComparer.Ordinal).ToList();
        var (first, second) = (devices.Take(1000).ToHashSet(), devices.Skip(1000).Take(1000).ToHashSet());
        var jobId = $"cr-{_run}";
        HeldTransaction? routing = null;
        HeldTransaction? gate = null;
        try
        {
            await using (await FanOutBarrier.HoldAsync(system.Database, jobId, devices[1500]))
            {
                (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{_run}'"))).EnsureStatus(HttpStatusCode.OK);
                // The first chunk dispatched and every one of its devices claimed by the device layer: those run to the end.
                await Ledger.EventuallyAsync(async () => (await Ledger.RowsAsync(system, jobId)).Values is { Count: 1000 } rows
                    && rows.All(r => r.Status != "pending"));
                // From here no command reaches a device layer, so none can claim a device job before the cancel has run.
                routing = await RoutingBarrier.HoldAsync(system.Database);
                var cancelled = (await system.Hub.PostAsync($"/jobs/v2/{jobId}/cancel")).EnsureStatus(HttpStatusCode.OK).Json;
                Assert.Equal("cancelled", (string?)cancelled["status"]);
                await ScheduleRowWaits.UntilSomeoneWaitsAsync(system, jobId);
                // The scheduler that is not held at the barrier waits at its next pass, and the held one will, so none can
                // reach for the schedule row before the waiting cancel once the second chunk lets go of it.
                gate = await SchedulerGate.HoldAsync(system.Database);
                await SchedulerGate.UntilSchedulersWaitAsync(system, system.Services.Keys.Count(name => name.StartsWith("scheduler")) - 1);
            }
            // Released, the second chunk commits its pending device jobs and the waiting cancel takes the schedule row: it
            // cancels every device job no holder has claimed (the whole second chunk, whose commands wait for routing), and
            // the third chunk is never dispatched.
            await Ledger.EventuallyAsync(async () => await Ledger.ScheduleStateAsync(system, jobId) == "cancelled");
            await gate.DisposeAsync();
            await Ledger.EventuallyAsync(async () => (await Ledger.RowsAsync(system, jobId)).Values.Count(r => r.Status == "canceled") == 1000);
        }
        finally
        {
            if (gate is not null) await gate.DisposeAsync();
            if (routing is not null) await routing.DisposeAsync();
        }

        var job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal("cancelled", (string?)job["status"]);
        var rows = await Ledger.RowsAsync(system, jobId);
        var executions = await Ledger.ExecutionsAsync(system, jobId);
        var stats = job["deviceJobStatistics"]!;
        Assert.Equal(2000, rows.Count);
        Assert.All(first, d => Assert.Equal("completed", rows[d].Status));
        Assert.All(second, d => Assert.Equal("canceled", rows[d].Status));
        Assert.Equal(rows.Count, (int)stats["deviceCount"]!);
        Assert.Equal(1000, (int)stats["succeededCount"]!);
        Assert.Equal(1000, (int)stats["failedCount"]!);
        // The second chunk's commands reached device-sim after the cancel: it found nothing left to claim, and called no one.
        Assert.All(second, d => Assert.False(executions.ContainsKey(d)));
        Assert.All(first, d => Assert.Equal(1, executions[d]));
    }

    [Fact]
    public async Task Cancelling_a_finished_job_changes_nothing()
    {
        await Fleet.CreateAsync(system.Hub, $"cf-{_run}", 3, new JsonObject { ["run"] = _run });
        var jobId = $"cf-{_run}";
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{_run}'"))).EnsureStatus(HttpStatusCode.OK);
        var finished = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);

        var response = (await system.Hub.PostAsync($"/jobs/v2/{jobId}/cancel")).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.Equal(finished.ToJsonString(), response.ToJsonString());
    }

    [Fact]
    public async Task Cancelling_an_unknown_job_is_JobNotFound()
    {
        var response = await system.Hub.PostAsync($"/jobs/v2/nope-{_run}/cancel");
        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("JobNotFound", response.Header("iothub-errorcode"));
    }
}
