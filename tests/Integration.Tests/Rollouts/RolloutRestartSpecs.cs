using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Rollouts;

/// <summary>
/// A rollout's windows and pace are rows of the scheduler (docs/rollouts.md): kill -9 of both scheduler replicas, which
/// own those rows, changes nothing a rollout promised. The services run on the real clock, so the time a spec waits for
/// is a bound it proves, never a figure it expects: a slower machine only makes the bounds easier to meet.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RolloutRestartSpecs(SystemUnderTest system)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_rollout_waiting_for_its_maintenance_window_still_waits_after_a_scheduler_crash_and_dispatches_once_the_window_opens()
    {
        var devices = await Fleet.CreateAsync(system.Hub, $"rmk-{_run}", 3, new JsonObject { ["run"] = _run + "w" });
        var jobId = $"rmk-{_run}";
        // A daily window opening at a whole minute at least 75 s from now: long enough for the crash and restart to happen
        // before it, soon enough to see it open.
        var soon = DateTimeOffset.UtcNow.AddSeconds(75);
        var opens = new DateTimeOffset(soon.Year, soon.Month, soon.Day, soon.Hour, soon.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        var job = Fleet.MethodJob(jobId, $"tags.run = '{_run}w'");
        job["rollout"] = new JsonObject
        {
            ["maintenanceWindows"] = new JsonArray(new JsonObject
                { ["cron"] = $"{opens.Minute} {opens.Hour} * * *", ["timeZone"] = "UTC", ["durationInMinutes"] = 30 }),
        };
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", job)).EnsureStatus(HttpStatusCode.OK);
        await Ledger.EventuallyAsync(async () => (await Ledger.RollingAsync(system, jobId))?.NextCheckAt is not null);
        Assert.Equal(opens.UtcDateTime, AsUtc((await Ledger.RollingAsync(system, jobId))!.NextCheckAt!.Value));

        await RestartSchedulersAsync();
        Assert.True(DateTimeOffset.UtcNow < opens, "the restart must end before the window opens for this spec to prove anything");
        var held = await Ledger.RollingAsync(system, jobId);
        Assert.Equal(0, held!.Dispatched);
        Assert.Equal(opens.UtcDateTime, AsUtc(held.NextCheckAt!.Value));
        Assert.Empty(await Ledger.ExecutionsAsync(system, jobId));
        Assert.Equal(3, (int?)(await system.Hub.GetAsync($"/jobs/v2/{jobId}")).Json["rolloutStatus"]!["devicesWaiting"]);

        var done = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId, TimeSpan.FromMinutes(4));
        Assert.Equal("completed", (string?)done["status"]);
        Assert.Equal(3, (int)done["deviceJobStatistics"]!["succeededCount"]!);
        var rows = await Ledger.RowsAsync(system, jobId);
        Assert.All(rows.Values, r => Assert.True(AsUtc(r.StartUtc!.Value) >= opens.UtcDateTime, $"{r.DeviceId} ran at {r.StartUtc:O}, before the window"));
        var executions = await Ledger.ExecutionsAsync(system, jobId);
        Assert.All(devices, d => Assert.Equal(1, executions.GetValueOrDefault(d)));
    }

    [Fact]
    public async Task A_rate_limited_rollout_keeps_its_pace_across_a_scheduler_crash_and_runs_every_device_exactly_once()
    {
        const int count = 5;
        const double perMinute = 6; // one device every 10 s
        var devices = await Fleet.CreateAsync(system.Hub, $"rrk-{_run}", count, new JsonObject { ["run"] = _run + "r" });
        var jobId = $"rrk-{_run}";
        var job = Fleet.MethodJob(jobId, $"tags.run = '{_run}r'");
        job["rollout"] = new JsonObject { ["maximumPerMinute"] = perMinute };
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", job)).EnsureStatus(HttpStatusCode.OK);
        await Ledger.EventuallyAsync(async () => (await Ledger.RollingAsync(system, jobId))?.Dispatched >= 1, TimeSpan.FromSeconds(90));

        // Crashed with devices still undispatched: the bucket's state (tokens, when they were counted) is all that paces the rest.
        await RestartSchedulersAsync();
        var done = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId, TimeSpan.FromMinutes(3));
        Assert.Equal("completed", (string?)done["status"]);
        Assert.Equal(count, (int)done["deviceJobStatistics"]!["deviceCount"]!);
        Assert.Equal(count, (int)done["deviceJobStatistics"]!["succeededCount"]!);
        Assert.Equal(count, (int)done["rolloutStatus"]!["executedDevices"]!);
        Assert.Equal(0, (int)done["rolloutStatus"]!["devicesWaiting"]!);
        Assert.Equal(count, (await Ledger.RollingAsync(system, jobId))!.Dispatched);
        var executions = await Ledger.ExecutionsAsync(system, jobId);
        Assert.All(devices, d => Assert.Equal(1, executions.GetValueOrDefault(d)));

        // The pace, as a lower bound: the k-th device in id order cannot have started before the rollout had earned k tokens
        // (less the one a full bucket holds). A restart that forgot the bucket would have sent the rest at once.
        var started = AsUtc((await Ledger.ScheduleAsync(system, jobId))!.StartedAt!.Value);
        var rows = await Ledger.RowsAsync(system, jobId);
        var ordered = devices.Order(StringComparer.Ordinal).ToList();
        for (var k = 2; k <= count; k++)
        {
            var earliest = started + TimeSpan.FromMinutes((k - 1 - 1) / perMinute) - TimeSpan.FromSeconds(1);
            var at = AsUtc(rows[ordered[k - 1]].StartUtc!.Value);
            Assert.True(at >= earliest, $"device {k} of {count} started at {at:O}, before {earliest:O}: faster than {perMinute} a minute");
        }
    }

    private Task RestartSchedulersAsync() => Task.WhenAll(system.RestartAsync("scheduler-1"), system.RestartAsync("scheduler-2"));

    private static DateTime AsUtc(DateTime time) => time.Kind == DateTimeKind.Utc ? time : DateTime.SpecifyKind(time.ToUniversalTime(), DateTimeKind.Utc);
}
