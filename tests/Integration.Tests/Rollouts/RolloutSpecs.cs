using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Rollouts;

/// <summary>
/// Rollouts through the public API on simulated devices (docs/rollouts.md). Rates and bake times are chosen so that
/// what a spec proves never depends on how fast this machine is: a held wave waits for an approval that only the spec
/// gives, a slow rate leaves devices provably undispatched, and every count is checked against the ledger and the
/// devices' own executions.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RolloutSpecs(SystemUnderTest system)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Waves_take_devices_in_id_order_and_the_next_wave_starts_only_after_approval_even_across_a_scheduler_crash()
    {
        var devices = await Fleet.CreateAsync(system.Hub, $"rw-{_run}", 10, new JsonObject { ["run"] = _run });
        var jobId = $"rw-{_run}";
        var job = RolloutJob(jobId, new JsonObject
        {
            ["waves"] = new JsonArray(
                new JsonObject { ["count"] = 3, ["requiresApproval"] = true, ["minSuccessPercentage"] = 100 },
                new JsonObject { ["percentage"] = 100 }),
        });
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", job)).EnsureStatus(HttpStatusCode.OK);

        var waiting = await UntilAsync(jobId, j => (bool?)j["rolloutStatus"]?["awaitingApproval"] == true);
        Assert.Equal("running", (string?)waiting["status"]);
        Assert.Equal(1, (int?)waiting["rolloutStatus"]!["currentWave"]);
        Assert.Equal(2, (int?)waiting["rolloutStatus"]!["waveCount"]);
        Assert.Equal(7, (int?)waiting["rolloutStatus"]!["devicesWaiting"]);
        var rows = await Ledger.RowsAsync(system, jobId);
        var first = devices.Order(StringComparer.Ordinal).Take(3).ToHashSet();
        Assert.All(rows.Values, r => Assert.Equal(first.Contains(r.DeviceId) ? "completed" : "pending", r.Status));
        Assert.Equal(first, (await Ledger.ExecutionsAsync(system, jobId)).Keys.ToHashSet());

        await RestartSchedulersAsync();
        Assert.Equal(7, (await Ledger.RowsAsync(system, jobId)).Values.Count(r => r.Status == "pending"));

        var approved = (await system.Hub.PostAsync($"/jobs/v2/{jobId}/approve")).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.False((bool)approved["rolloutStatus"]!["awaitingApproval"]!);
        var done = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal("completed", (string?)done["status"]);
        Assert.Equal(10, (int)done["deviceJobStatistics"]!["succeededCount"]!);
        Assert.Equal(2, (int?)done["rolloutStatus"]!["currentWave"]);
        var executions = await Ledger.ExecutionsAsync(system, jobId);
        Assert.All(devices, d => Assert.Equal(1, executions.GetValueOrDefault(d)));

        var again = await system.Hub.PostAsync($"/jobs/v2/{jobId}/approve");
        Assert.Equal(HttpStatusCode.PreconditionFailed, again.Status);
        AssertIotHubError("PreconditionFailed", again);
    }

    [Fact]
    public async Task A_wave_below_its_minimum_success_share_stops_the_rollout_with_the_reason_and_the_rest_never_runs()
    {
        await Fleet.CreateAsync(system.Hub, $"rs-{_run}-b", 8, new JsonObject { ["run"] = _run });
        await Fleet.CreateAsync(system.Hub, $"rs-{_run}-a", 2,
            new JsonObject { ["run"] = _run, ["sim"] = new JsonObject { ["methodStatus"] = 500 } });
        var jobId = $"rs-{_run}";
        // Wave 1 is the first four ids: the two failing devices (prefix "-a") and two good ones.
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", RolloutJob(jobId, new JsonObject
        {
            ["waves"] = new JsonArray(new JsonObject { ["count"] = 4, ["minSuccessPercentage"] = 90 }, new JsonObject { ["percentage"] = 100 }),
        }))).EnsureStatus(HttpStatusCode.OK);

        var done = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal("cancelled", (string?)done["status"]);
        Assert.Contains("Wave 1 succeeded on 2 of 4 devices (50%), below its minSuccessPercentage of 90%", (string?)done["statusMessage"]);
        var rows = await Ledger.RowsAsync(system, jobId);
        Assert.Equal(6, rows.Values.Count(r => r.Status == "canceled"));
        Assert.Equal(4, (await Ledger.ExecutionsAsync(system, jobId)).Count);
        AssertStatisticsMatch(done, rows);
        Assert.Equal(10, (int)done["deviceJobStatistics"]!["deviceCount"]!);
    }

    [Theory]
    [InlineData("cancel", "cancelled")]
    [InlineData("pause", "paused")]
    public async Task A_tripped_abort_criterion_stops_dispatch_and_says_which_criterion_tripped_with_its_numbers(string action, string status)
    {
        var tag = $"{_run}{action}";
        await Fleet.CreateAsync(system.Hub, $"ra-{tag}", 20, new JsonObject { ["run"] = tag, ["sim"] = new JsonObject { ["methodStatus"] = 503 } });
        var jobId = $"ra-{tag}";
        // Ten a minute: one device every six seconds after the first, so most devices are provably undispatched when the
        // criterion trips after three.
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", RolloutJob(jobId, new JsonObject
        {
            ["maximumPerMinute"] = 10,
            ["abortCriteria"] = new JsonArray(new JsonObject
                { ["failureType"] = "failed", ["action"] = action, ["thresholdPercentage"] = 50, ["minNumberOfExecutedDevices"] = 3 }),
        }, query: $"tags.run = '{tag}'"))).EnsureStatus(HttpStatusCode.OK);

        var stopped = await UntilAsync(jobId, j => (string?)j["status"] == status, within: TimeSpan.FromMinutes(2));
        Assert.Matches(@"^Abort criterion 1 tripped: \d+ of \d+ executed devices answered with an error \(100%, threshold 50%\)", (string?)stopped["statusMessage"]);
        var executed = (int)stopped["rolloutStatus"]!["executedDevices"]!;
        Assert.InRange(executed, 3, 19);
        Assert.Equal(executed, (int)stopped["rolloutStatus"]!["failedDevices"]!);

        if (action == "pause")
        {
            await Ledger.EventuallyAsync(async () => (await Ledger.RollingAsync(system, jobId))!.Paused);
            var resumed = (await system.Hub.PostAsync($"/jobs/v2/{jobId}/resume")).EnsureStatus(HttpStatusCode.OK).Json;
            Assert.Equal("running", (string?)resumed["status"]);
            // The criterion still holds on the next result: the job pauses again rather than running on.
            await UntilAsync(jobId, j => (string?)j["status"] == "paused" && (int)j["rolloutStatus"]!["executedDevices"]! > executed,
                within: TimeSpan.FromMinutes(2));
            (await system.Hub.PostAsync($"/jobs/v2/{jobId}/cancel")).EnsureStatus(HttpStatusCode.OK);
        }
        var done = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        // The job's event stream says so too (docs/events.md, "Rollout events").
        await using (var stream = await Integration.Tests.Events.EventStreamReader.OpenAsync(system.Hub, $"/jobs/v2/{jobId}/events"))
        {
            var told = (await stream.ReadToEndAsync()).First(e => e.Type == (action == "cancel" ? "rollout.aborted" : "rollout.paused"));
            Assert.StartsWith("Abort criterion 1 tripped:", (string?)told.Data["reason"]);
        }
        var rows = await Ledger.RowsAsync(system, jobId);
        var executions = await Ledger.ExecutionsAsync(system, jobId);
        Assert.All(rows.Values.Where(r => r.Status == "canceled"), r => Assert.False(executions.ContainsKey(r.DeviceId)));
        Assert.True(rows.Values.Count(r => r.Status == "canceled") > 0);
        Assert.All(executions.Values, n => Assert.Equal(1, n));
        AssertStatisticsMatch(done, rows);
    }

    [Fact]
    public async Task A_paused_job_dispatches_nothing_even_across_a_scheduler_crash_and_finishes_once_resumed()
    {
        var devices = await Fleet.CreateAsync(system.Hub, $"rp-{_run}", 6, new JsonObject { ["run"] = _run });
        var jobId = $"rp-{_run}";
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", RolloutJob(jobId, new JsonObject
        {
            ["waves"] = new JsonArray(new JsonObject { ["count"] = 2, ["requiresApproval"] = true }),
        }))).EnsureStatus(HttpStatusCode.OK);
        await UntilAsync(jobId, j => (bool?)j["rolloutStatus"]?["awaitingApproval"] == true);

        var paused = (await system.Hub.PostAsync($"/jobs/v2/{jobId}/pause")).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.Equal("paused", (string?)paused["status"]);
        await Ledger.EventuallyAsync(async () => (await Ledger.RollingAsync(system, jobId))!.Paused);
        // Approved while paused: the approval is kept, but the pause holds the next wave back.
        (await system.Hub.PostAsync($"/jobs/v2/{jobId}/approve")).EnsureStatus(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, (await system.Hub.PostAsync($"/jobs/v2/{jobId}/pause")).Status);
        await RestartSchedulersAsync();
        await Ledger.EventuallyAsync(async () => await ApprovedWaveAsync(jobId) == 0);
        await Task.Delay(TimeSpan.FromSeconds(2)); // passes of the restarted scheduler; the row says what it did
        var held = await Ledger.RollingAsync(system, jobId);
        Assert.True(held!.Paused);
        Assert.Equal(2, held.Dispatched);
        Assert.Equal(4, (await Ledger.RowsAsync(system, jobId)).Values.Count(r => r.Status == "pending"));

        var resumed = (await system.Hub.PostAsync($"/jobs/v2/{jobId}/resume")).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.Equal("running", (string?)resumed["status"]);
        var done = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal("completed", (string?)done["status"]);
        Assert.Equal(6, (int)done["deviceJobStatistics"]!["succeededCount"]!);
        var executions = await Ledger.ExecutionsAsync(system, jobId);
        Assert.All(devices, d => Assert.Equal(1, executions.GetValueOrDefault(d)));

        Assert.Equal(HttpStatusCode.PreconditionFailed, (await system.Hub.PostAsync($"/jobs/v2/{jobId}/pause")).Status);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await system.Hub.PostAsync($"/jobs/v2/{jobId}/resume")).Status);
    }

    [Fact]
    public async Task Cancelling_one_device_keeps_its_pending_work_from_ever_running()
    {
        var devices = await Fleet.CreateAsync(system.Hub, $"rc-{_run}", 5, new JsonObject { ["run"] = _run });
        var jobId = $"rc-{_run}";
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", RolloutJob(jobId, new JsonObject
        {
            ["waves"] = new JsonArray(new JsonObject { ["count"] = 2, ["requiresApproval"] = true }),
        }))).EnsureStatus(HttpStatusCode.OK);
        await UntilAsync(jobId, j => (bool?)j["rolloutStatus"]?["awaitingApproval"] == true);

        var canceled = (await system.Hub.PostAsync($"/jobs/v2/{jobId}/devices/{devices[3]}/cancel")).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.Equal(1, (int)canceled["deviceJobStatistics"]!["failedCount"]!);
        Assert.Equal(HttpStatusCode.OK, (await system.Hub.PostAsync($"/jobs/v2/{jobId}/devices/{devices[3]}/cancel")).Status);
        var finished = await system.Hub.PostAsync($"/jobs/v2/{jobId}/devices/{devices[0]}/cancel");
        Assert.Equal(HttpStatusCode.PreconditionFailed, finished.Status);
        Assert.Contains("is completed: only pending work can be canceled", (string?)finished.Json["Message"]);
        var stranger = await system.Hub.PostAsync($"/jobs/v2/{jobId}/devices/no-such-{_run}/cancel");
        Assert.Equal(HttpStatusCode.NotFound, stranger.Status);
        AssertIotHubError("DeviceNotFound", stranger);
        Assert.Equal(HttpStatusCode.NotFound, (await system.Hub.PostAsync($"/jobs/v2/no-such-{_run}/devices/{devices[3]}/cancel")).Status);

        (await system.Hub.PostAsync($"/jobs/v2/{jobId}/approve")).EnsureStatus(HttpStatusCode.OK);
        var done = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal("completed", (string?)done["status"]);
        Assert.Equal(4, (int)done["deviceJobStatistics"]!["succeededCount"]!);
        Assert.Equal(1, (int)done["deviceJobStatistics"]!["failedCount"]!);
        Assert.False((await Ledger.ExecutionsAsync(system, jobId)).ContainsKey(devices[3]));
        var query = await system.Hub.PostAsync("/devices/query", new JsonObject
            { ["query"] = $"SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '{jobId}' AND devices.jobs.status = 'canceled'" });
        Assert.Equal(devices[3], (string?)query.EnsureStatus(HttpStatusCode.OK).Json.AsArray().Single()!["deviceId"]);
    }

    [Fact]
    public async Task A_dry_run_answers_the_matching_devices_the_wave_plan_and_the_estimate_and_records_nothing()
    {
        var devices = await Fleet.CreateAsync(system.Hub, $"rd-{_run}", 30, new JsonObject { ["run"] = _run });
        var jobId = $"rd-{_run}";
        var answer = (await system.Hub.PutAsync($"/jobs/v2/{jobId}?dryRun=true", RolloutJob(jobId, new JsonObject
        {
            ["maximumPerMinute"] = 600,
            ["waves"] = new JsonArray(new JsonObject { ["percentage"] = 10, ["bakeTimeInSeconds"] = 60 }, new JsonObject { ["percentage"] = 100 }),
        }))).EnsureStatus(HttpStatusCode.OK).Json;

        Assert.True((bool)answer["dryRun"]!);
        Assert.Equal(30, (int)answer["deviceCount"]!);
        Assert.Equal(devices.Order(StringComparer.Ordinal).Take(20), answer["sampleDeviceIds"]!.AsArray().Select(d => (string)d!));
        var waves = answer["waves"]!.AsArray();
        Assert.Equal([3, 27], waves.Select(w => (int)w!["deviceCount"]!));
        Assert.Equal(60, (int)waves[0]!["bakeTimeInSeconds"]!);
        // 30 devices at 600 a minute take 3 s, plus the 60 s bake between the waves.
        Assert.Equal(63, (double)answer["estimatedDurationInSeconds"]!);

        Assert.Equal(HttpStatusCode.NotFound, (await system.Hub.GetAsync($"/jobs/v2/{jobId}")).Status);
        Assert.Null(await Ledger.ScheduleStateAsync(system, jobId));
        Assert.Empty(await Ledger.EventTypesAsync(system, jobId));
        var invalid = await system.Hub.PutAsync($"/jobs/v2/{jobId}?dryRun=true", RolloutJob(jobId, new JsonObject { ["maximumPerMinute"] = 0 }));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
    }

    [Fact]
    public async Task A_rollout_outside_its_maintenance_window_dispatches_nothing_and_waits_for_the_window_to_open()
    {
        await Fleet.CreateAsync(system.Hub, $"rm-{_run}", 3, new JsonObject { ["run"] = _run });
        var jobId = $"rm-{_run}";
        // A window that opened an hour ago for 30 minutes: closed now, open again tomorrow at the same time.
        var opens = DateTimeOffset.UtcNow.AddHours(-1);
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", RolloutJob(jobId, new JsonObject
        {
            ["maintenanceWindows"] = new JsonArray(new JsonObject
                { ["cron"] = $"{opens.Minute} {opens.Hour} * * *", ["timeZone"] = "UTC", ["durationInMinutes"] = 30 }),
        }))).EnsureStatus(HttpStatusCode.OK);

        await Ledger.EventuallyAsync(async () => (await Ledger.RollingAsync(system, jobId))?.NextCheckAt is not null);
        var rolling = await Ledger.RollingAsync(system, jobId);
        Assert.Equal(0, rolling!.Dispatched);
        var next = new DateTimeOffset(opens.Year, opens.Month, opens.Day, opens.Hour, opens.Minute, 0, TimeSpan.Zero).AddDays(1);
        Assert.Equal(next.UtcDateTime, DateTime.SpecifyKind(rolling.NextCheckAt!.Value, DateTimeKind.Utc));
        var job = (await system.Hub.GetAsync($"/jobs/v2/{jobId}")).Json;
        Assert.Equal("running", (string?)job["status"]);
        Assert.Equal(3, (int?)job["rolloutStatus"]!["devicesWaiting"]);
        Assert.Empty(await Ledger.ExecutionsAsync(system, jobId));
        (await system.Hub.PostAsync($"/jobs/v2/{jobId}/cancel")).EnsureStatus(HttpStatusCode.OK);
        var done = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal(3, (int)done["deviceJobStatistics"]!["failedCount"]!);
    }

    [Theory]
    [InlineData("stopRollout", "completed")]
    [InlineData("cancel", "cancelled")]
    public async Task At_its_end_time_a_rollout_stops_dispatching_and_undispatched_devices_are_canceled(string endBehavior, string status)
    {
        var tag = $"{_run}{endBehavior}";
        await Fleet.CreateAsync(system.Hub, $"re-{tag}", 5, new JsonObject { ["run"] = tag });
        var jobId = $"re-{tag}";
        // One a minute: the first device goes as soon as the rollout starts, the next not before a minute, long after the
        // end time (should the start itself take longer than the 20 s, none goes).
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", RolloutJob(jobId, new JsonObject
        {
            ["maximumPerMinute"] = 1, ["endTime"] = DateTimeOffset.UtcNow.AddSeconds(20).ToString("O"), ["endBehavior"] = endBehavior,
        }, query: $"tags.run = '{tag}'"))).EnsureStatus(HttpStatusCode.OK);

        var done = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal(status, (string?)done["status"]);
        Assert.Contains("reached its endTime", (string?)done["statusMessage"]);
        var rows = await Ledger.RowsAsync(system, jobId);
        var canceled = rows.Values.Count(r => r.Status == "canceled");
        Assert.InRange(canceled, 4, 5);
        Assert.Equal(5 - canceled, (await Ledger.ExecutionsAsync(system, jobId)).Count);
        AssertStatisticsMatch(done, rows);
    }

    [Fact]
    public async Task An_invalid_rollout_is_refused_with_the_field_named_and_records_nothing()
    {
        var jobId = $"ri-{_run}";
        var refused = await system.Hub.PutAsync($"/jobs/v2/{jobId}", RolloutJob(jobId, new JsonObject
        {
            ["waves"] = new JsonArray(new JsonObject { ["percentage"] = 50 }, new JsonObject { ["percentage"] = 20 }),
        }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        AssertIotHubError("ArgumentInvalid", refused);
        Assert.Contains("rollout.waves[1].percentage must be above the wave before", (string?)refused.Json["Message"]);
        Assert.Equal(HttpStatusCode.NotFound, (await system.Hub.GetAsync($"/jobs/v2/{jobId}")).Status);
        Assert.Empty(await Ledger.EventTypesAsync(system, jobId));
    }

    [Fact]
    public async Task An_exponential_rate_grows_as_devices_are_notified_and_the_response_shows_it()
    {
        await Fleet.CreateAsync(system.Hub, $"rx-{_run}", 12, new JsonObject { ["run"] = _run });
        var jobId = $"rx-{_run}";
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", RolloutJob(jobId, new JsonObject
        {
            ["exponentialRate"] = new JsonObject
            {
                ["baseRatePerMinute"] = 6000, ["incrementFactor"] = 2.0, ["rateIncreaseCriteria"] = new JsonObject { ["numberOfNotifiedDevices"] = 5 },
            },
        }))).EnsureStatus(HttpStatusCode.OK);

        var done = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal("completed", (string?)done["status"]);
        // 12 devices: the rate doubled after 5 and again after 10.
        Assert.Equal(24000, (double)done["rolloutStatus"]!["currentRatePerMinute"]!);
        Assert.Equal(12, (int)done["deviceJobStatistics"]!["succeededCount"]!);
    }

    private JsonObject RolloutJob(string jobId, JsonObject rollout, string? query = null)
    {
        var job = Fleet.MethodJob(jobId, query ?? $"tags.run = '{_run}'");
        job["rollout"] = rollout;
        return job;
    }

    private async Task<JsonNode> UntilAsync(string jobId, Func<JsonNode, bool> condition, TimeSpan? within = null)
    {
        JsonNode job = new JsonObject();
        await Ledger.EventuallyAsync(async () => condition(job = (await system.Hub.GetAsync($"/jobs/v2/{jobId}")).EnsureStatus(HttpStatusCode.OK).Json),
            within ?? TimeSpan.FromSeconds(90));
        return job;
    }

    /// <summary>Both scheduler replicas killed and started again: nothing a scheduler kept in memory survives.</summary>
    private Task RestartSchedulersAsync() => Task.WhenAll(system.RestartAsync("scheduler-1"), system.RestartAsync("scheduler-2"));

    /// <summary>An IoT Hub error as the SDKs read it: the <c>iothub-errorcode</c> header and the body's <c>Message</c>, "ErrorCode:Name;text".</summary>
    private static void AssertIotHubError(string errorCode, HubResponse response)
    {
        Assert.Equal(errorCode, response.Header("iothub-errorcode"));
        Assert.StartsWith($"ErrorCode:{errorCode};", (string?)response.Json["Message"]);
    }

    private async Task<int> ApprovedWaveAsync(string jobId)
    {
        await using var cmd = system.Database.CreateCommand("select approved_wave from scheduler.job_schedules where job_id = $1");
        cmd.Parameters.AddWithValue(jobId);
        return (int)(await cmd.ExecuteScalarAsync())!;
    }

    private static void AssertStatisticsMatch(JsonNode job, Dictionary<string, Ledger.Row> rows)
    {
        var stats = job["deviceJobStatistics"]!;
        Assert.Equal(rows.Values.Count(r => r.Status == "completed"), (int)stats["succeededCount"]!);
        Assert.Equal(rows.Values.Count(r => r.Status is "failed" or "canceled"), (int)stats["failedCount"]!);
        Assert.Equal(rows.Count, (int)stats["deviceCount"]!);
    }
}
