using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Faults;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.Jobs;

/// <summary>The fixture caps running jobs at 4 (Scheduler:MaxRunningJobs); IoT Hub would answer 429 instead.</summary>
[Collection(SystemCollection.Name)]
public sealed class RunningJobsCapSpecs(SystemUnderTest system)
{
    private const int Cap = 4;

    [Fact]
    public async Task Jobs_beyond_the_running_cap_stay_queued_and_start_in_order()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        await Fleet.CreateAsync(system.Hub, $"cap-{run}", 3, new JsonObject { ["run"] = run });
        var first = Enumerable.Range(0, Cap).Select(i => $"cap-{run}-{i}").ToList();
        var beyond = Enumerable.Range(Cap, 3).Select(i => $"cap-{run}-{i}").ToList();
        // The cap counts every running job: a slot still held by an earlier spec's job would let fewer than four of these run.
        await Ledger.EventuallyAsync(async () => (await Ledger.RunningJobsAsync(system)).Count == 0, TimeSpan.FromMinutes(2));

        await using var devicesDown = await DeviceLayerDown.StopAsync(system);
        // No device can answer: the first four jobs start and stay running until the spec lets them end.
        foreach (var jobId in first) await PutAsync(jobId, run, startTime: null);
        await Ledger.EventuallyAsync(async () => (await Ledger.RunningJobsAsync(system)).SequenceEqual(first));
        // Created only now, so none of them can take a slot before the first four: due a second from now, 10 ms apart,
        // which is the order they must start in.
        var firstStart = DateTimeOffset.UtcNow.AddSeconds(1);
        foreach (var (jobId, i) in beyond.Select((id, i) => (id, i))) await PutAsync(jobId, run, firstStart.AddMilliseconds(10 * i));
        await Ledger.EventuallyAsync(async () => (await SchedulesAsync(beyond)).All(s => s is { State: "waiting", Due: true }));

        Assert.Equal(first, await Ledger.RunningJobsAsync(system));
        foreach (var jobId in first) await Ledger.EventuallyAsync(async () => await StatusAsync(jobId) == "running");
        foreach (var jobId in beyond) Assert.Contains(await StatusAsync(jobId), new[] { "queued", "scheduled" });

        // Each cancel of a running job frees one slot: exactly the earliest waiting job starts, the others go on waiting.
        for (var k = 0; k < 2; k++)
        {
            (await system.Hub.PostAsync($"/jobs/v2/{first[k]}/cancel")).EnsureStatus(HttpStatusCode.OK);
            await Ledger.EventuallyAsync(async () => (await Ledger.ScheduleAsync(system, beyond[k]))!.StartedAt is not null);
            Assert.Equal(first.Skip(k + 1).Concat(beyond.Take(k + 1)).Order(StringComparer.Ordinal), await Ledger.RunningJobsAsync(system));
            Assert.All(await SchedulesAsync(beyond.Skip(k + 1)), s => Assert.Equal("waiting", s.State));
        }

        // The devices back, the four running jobs complete and the last waiting job starts in a slot one of them frees.
        await devicesDown.DisposeAsync();
        var unfinished = first.Skip(2).Concat(beyond).ToList();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!(await SchedulesAsync(unfinished)).All(s => s.State == "finished") && DateTime.UtcNow < deadline)
        {
            var running = await Ledger.RunningJobsAsync(system);
            Assert.True(running.Count <= Cap, $"{running.Count} jobs running at once: {string.Join(", ", running)}");
            await Task.Delay(100);
        }
        foreach (var jobId in unfinished)
        {
            var job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
            Assert.Equal(("completed", 3), ((string?)job["status"], (int)job["deviceJobStatistics"]!["succeededCount"]!));
        }
    }

    private async Task PutAsync(string jobId, string run, DateTimeOffset? startTime) =>
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{run}'", startTime: startTime))).EnsureStatus(HttpStatusCode.OK);

    private async Task<string?> StatusAsync(string jobId) => (string?)(await system.Hub.GetAsync($"/jobs/v2/{jobId}")).Json["status"];

    private async Task<List<Ledger.Schedule>> SchedulesAsync(IEnumerable<string> jobIds)
    {
        var schedules = new List<Ledger.Schedule>();
        foreach (var jobId in jobIds)
            schedules.Add(await Ledger.ScheduleAsync(system, jobId) ?? new Ledger.Schedule("not recorded", false, null, default, 0, false));
        return schedules;
    }
}
