using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Rollouts;

/// <summary>
/// A rollout's windows and pace are rows of the scheduler (docs/rollouts.md): kill -9 of both scheduler replicas, which
/// own those rows, changes nothing a rollout promised. Both rollouts live through the same crash
/// (<see cref="RolloutsThroughACrash"/>), so their waits overlap. The services run on the real clock, so the time a spec
/// waits for is a bound it proves, never a figure it expects: a slower machine only makes the bounds easier to meet.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RolloutRestartSpecs(SystemUnderTest system, RolloutRestartSpecs.RolloutsThroughACrash crash)
    : IClassFixture<RolloutRestartSpecs.RolloutsThroughACrash>
{
    [Fact]
    public async Task A_rollout_waiting_for_its_maintenance_window_still_waits_after_a_scheduler_crash_and_dispatches_once_the_window_opens()
    {
        var (window, _) = await crash.HappenOnceAsync(system);

        Assert.Equal(window.Opens.UtcDateTime, AsUtc(window.NextCheckBeforeRestart));
        // As seen right after the restart, before the window opened.
        Assert.True(window.SeenAt < window.Opens, "the restart must end before the window opens for this spec to prove anything");
        Assert.Equal(0, window.HeldAfterRestart.Dispatched);
        Assert.Equal(window.Opens.UtcDateTime, AsUtc(window.HeldAfterRestart.NextCheckAt!.Value));
        Assert.Equal(0, window.ExecutionsAfterRestart);
        Assert.Equal(window.Devices.Count, window.DevicesWaitingAfterRestart);

        var done = await Fleet.WaitUntilFinishedAsync(system.Hub, window.JobId, TimeSpan.FromMinutes(4));
        Assert.Equal("completed", (string?)done["status"]);
        Assert.Equal(window.Devices.Count, (int)done["deviceJobStatistics"]!["succeededCount"]!);
        var rows = await Ledger.RowsAsync(system, window.JobId);
        Assert.All(rows.Values, r => Assert.True(AsUtc(r.StartUtc!.Value) >= window.Opens.UtcDateTime, $"{r.DeviceId} ran at {r.StartUtc:O}, before the window"));
        var executions = await Ledger.ExecutionsAsync(system, window.JobId);
        Assert.All(window.Devices, d => Assert.Equal(1, executions.GetValueOrDefault(d)));
    }

    [Fact]
    public async Task A_rate_limited_rollout_keeps_its_pace_across_a_scheduler_crash_and_runs_every_device_exactly_once()
    {
        var (_, paced) = await crash.HappenOnceAsync(system);
        var count = paced.Devices.Count;

        // Crashed with devices still undispatched: the bucket's state (tokens, when they were counted) is all that paces the rest.
        Assert.True(paced.DispatchedBeforeRestart < count, "the crash must come while devices still wait for this spec to prove anything");
        var done = await Fleet.WaitUntilFinishedAsync(system.Hub, paced.JobId, TimeSpan.FromMinutes(3));
        Assert.Equal("completed", (string?)done["status"]);
        Assert.Equal(count, (int)done["deviceJobStatistics"]!["deviceCount"]!);
        Assert.Equal(count, (int)done["deviceJobStatistics"]!["succeededCount"]!);
        Assert.Equal(count, (int)done["rolloutStatus"]!["executedDevices"]!);
        Assert.Equal(0, (int)done["rolloutStatus"]!["devicesWaiting"]!);
        Assert.Equal(count, (await Ledger.RollingAsync(system, paced.JobId))!.Dispatched);
        var executions = await Ledger.ExecutionsAsync(system, paced.JobId);
        Assert.All(paced.Devices, d => Assert.Equal(1, executions.GetValueOrDefault(d)));

        // The pace, as a lower bound: the k-th device in id order cannot have started before the rollout had earned k tokens
        // (less the one a full bucket holds). A restart that forgot the bucket would have sent the rest at once.
        var started = AsUtc((await Ledger.ScheduleAsync(system, paced.JobId))!.StartedAt!.Value);
        var rows = await Ledger.RowsAsync(system, paced.JobId);
        var ordered = paced.Devices.Order(StringComparer.Ordinal).ToList();
        for (var k = 2; k <= count; k++)
        {
            var earliest = started + TimeSpan.FromMinutes((k - 1 - 1) / RolloutsThroughACrash.PerMinute) - TimeSpan.FromSeconds(1);
            var at = AsUtc(rows[ordered[k - 1]].StartUtc!.Value);
            Assert.True(at >= earliest, $"device {k} of {count} started at {at:O}, before {earliest:O}: faster than {RolloutsThroughACrash.PerMinute} a minute");
        }
    }

    private static DateTime AsUtc(DateTime time) => time.Kind == DateTimeKind.Utc ? time : DateTime.SpecifyKind(time.ToUniversalTime(), DateTimeKind.Utc);

    /// <summary>A rollout waiting for its daily window, and what the ledger and the API showed of it right after the crash.</summary>
    public sealed record WindowRollout(string JobId, IReadOnlyList<string> Devices, DateTimeOffset Opens, DateTime NextCheckBeforeRestart,
        DateTimeOffset SeenAt, Ledger.Rolling HeldAfterRestart, int ExecutionsAfterRestart, int? DevicesWaitingAfterRestart);

    /// <summary>A rollout paced by <see cref="RolloutsThroughACrash.PerMinute"/>, crashed after its first dispatch.</summary>
    public sealed record PacedRollout(string JobId, IReadOnlyList<string> Devices, int DispatchedBeforeRestart);

    public sealed record Happened(WindowRollout Window, PacedRollout Paced);

    /// <summary>
    /// Both rollouts, started together and crashed together once, by whichever spec asks first: a window rollout (a daily
    /// window opening at a whole minute at least 75 s away, long enough for the crash and restart to happen before it,
    /// soon enough to see it open) and a paced one (one device every 10 s) that has dispatched its first device.
    /// </summary>
    public sealed class RolloutsThroughACrash
    {
        public const double PerMinute = 6;
        private const int PacedDevices = 5;
        private const int WindowDevices = 3;
        private readonly SemaphoreSlim _gate = new(1, 1);
        private Happened? _happened;

        public async Task<Happened> HappenOnceAsync(SystemUnderTest system)
        {
            await _gate.WaitAsync();
            try
            {
                return _happened ??= await HappenAsync(system);
            }
            finally
            {
                _gate.Release();
            }
        }

        private static async Task<Happened> HappenAsync(SystemUnderTest system)
        {
            var run = Guid.NewGuid().ToString("N")[..8];
            var windowId = $"rmk-{run}";
            var windowDevices = await Fleet.CreateAsync(system.Hub, windowId, WindowDevices, new JsonObject { ["run"] = windowId });
            var soon = DateTimeOffset.UtcNow.AddSeconds(75);
            var opens = new DateTimeOffset(soon.Year, soon.Month, soon.Day, soon.Hour, soon.Minute, 0, TimeSpan.Zero).AddMinutes(1);
            var windowJob = Fleet.MethodJob(windowId, $"tags.run = '{windowId}'");
            windowJob["rollout"] = new JsonObject
            {
                ["maintenanceWindows"] = new JsonArray(new JsonObject
                    { ["cron"] = $"{opens.Minute} {opens.Hour} * * *", ["timeZone"] = "UTC", ["durationInMinutes"] = 30 }),
            };
            (await system.Hub.PutAsync($"/jobs/v2/{windowId}", windowJob)).EnsureStatus(HttpStatusCode.OK);

            var pacedId = $"rrk-{run}";
            var pacedDevices = await Fleet.CreateAsync(system.Hub, pacedId, PacedDevices, new JsonObject { ["run"] = pacedId });
            var pacedJob = Fleet.MethodJob(pacedId, $"tags.run = '{pacedId}'");
            pacedJob["rollout"] = new JsonObject { ["maximumPerMinute"] = PerMinute };
            (await system.Hub.PutAsync($"/jobs/v2/{pacedId}", pacedJob)).EnsureStatus(HttpStatusCode.OK);

            await Ledger.EventuallyAsync(async () => (await Ledger.RollingAsync(system, windowId))?.NextCheckAt is not null);
            await Ledger.EventuallyAsync(async () => (await Ledger.RollingAsync(system, pacedId))?.Dispatched >= 1, TimeSpan.FromSeconds(90));
            var nextCheckBefore = (await Ledger.RollingAsync(system, windowId))!.NextCheckAt!.Value;
            var dispatchedBefore = (await Ledger.RollingAsync(system, pacedId))!.Dispatched;

            await Task.WhenAll(system.RestartAsync("scheduler-1"), system.RestartAsync("scheduler-2"));
            var held = (await Ledger.RollingAsync(system, windowId))!;
            var executions = (await Ledger.ExecutionsAsync(system, windowId)).Values.Sum();
            var waiting = (int?)(await system.Hub.GetAsync($"/jobs/v2/{windowId}")).Json["rolloutStatus"]!["devicesWaiting"];
            var window = new WindowRollout(windowId, windowDevices, opens, nextCheckBefore, DateTimeOffset.UtcNow, held, executions, waiting);
            return new Happened(window, new PacedRollout(pacedId, pacedDevices, dispatchedBefore));
        }
    }
}
