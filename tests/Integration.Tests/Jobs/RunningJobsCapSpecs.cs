using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.Jobs;

/// <summary>The fixture caps running jobs at 4 (Scheduler:MaxRunningJobs); IoT Hub would answer 429 instead.</summary>
[Collection(SystemCollection.Name)]
public sealed class RunningJobsCapSpecs(SystemUnderTest system)
{
    [Fact]
    public async Task Jobs_beyond_the_running_cap_stay_queued_and_start_in_order()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        await Fleet.CreateAsync(system.Hub, $"cap-{run}", 3, new JsonObject { ["run"] = run, ["sim"] = new JsonObject { ["latencyMs"] = 2500 } });
        var jobIds = Enumerable.Range(0, 7).Select(i => $"cap-{run}-{i}").ToList();
        // Start times a little ahead and apart: every timer is recorded before the first is due, so "in order" is defined.
        var firstStart = DateTimeOffset.UtcNow.AddSeconds(3);
        foreach (var (jobId, i) in jobIds.Select((id, i) => (id, i)))
            (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{run}'", startTime: firstStart.AddMilliseconds(10 * i))))
                .EnsureStatus(HttpStatusCode.OK);

        var mostRunning = 0;
        var sawQueuedWhileFull = false;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            var statuses = new List<string>();
            foreach (var jobId in jobIds) statuses.Add((string)(await system.Hub.GetAsync($"/jobs/v2/{jobId}")).Json["status"]!);
            var running = statuses.Count(s => s == "running");
            mostRunning = Math.Max(mostRunning, running);
            sawQueuedWhileFull |= running == 4 && statuses.Any(s => s is "queued" or "scheduled");
            if (statuses.All(s => s == "completed")) break;
        }

        Assert.InRange(mostRunning, 1, 4);
        Assert.True(sawQueuedWhileFull, "jobs beyond the cap wait, not started, while four run");
        await using var cmd = system.Database.CreateCommand(
            "select job_id from scheduler.job_schedules where job_id = any($1) order by started_at, start_at");
        cmd.Parameters.AddWithValue(jobIds.ToArray());
        var startOrder = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) startOrder.Add(reader.GetString(0));
        Assert.Equal(jobIds.Order(StringComparer.Ordinal), startOrder.Take(jobIds.Count).Order(StringComparer.Ordinal));
        Assert.Equal(jobIds.Skip(4), startOrder.Skip(4));
        foreach (var jobId in jobIds)
            Assert.Equal(3, (int)(await system.Hub.GetAsync($"/jobs/v2/{jobId}")).Json["deviceJobStatistics"]!["succeededCount"]!);
    }
}
