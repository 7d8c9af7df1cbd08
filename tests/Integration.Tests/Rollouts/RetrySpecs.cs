using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Rollouts;

/// <summary>
/// Retries of a rollout (docs/rollouts.md, "Retries") through the public API on simulated devices: what is counted is what
/// the devices did (device-sim's append-only executions, and the calls it received), what the ledger recorded and what
/// the API answers.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RetrySpecs(SystemUnderTest system)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Devices_failing_as_listed_are_retried_the_configured_number_of_times_and_no_more_each_as_a_new_call()
    {
        var failing = await Fleet.CreateAsync(system.Hub, $"rt-{_run}-a", 3, new JsonObject { ["run"] = _run, ["sim"] = new JsonObject { ["methodStatus"] = 500 } });
        var good = await Fleet.CreateAsync(system.Hub, $"rt-{_run}-b", 2, new JsonObject { ["run"] = _run });
        var offline = await Fleet.CreateAsync(system.Hub, $"rt-{_run}-c", 2, new JsonObject { ["run"] = _run, ["sim"] = new JsonObject { ["offline"] = true } });
        var jobId = $"rt-{_run}";
        var job = Fleet.MethodJob(jobId, $"tags.run = '{_run}'");
        // Only answers of 400 or more are retried, twice; a device not online is not a listed failure and is attempted once.
        job["rollout"] = new JsonObject
        {
            ["retry"] = new JsonObject
            {
                ["criteria"] = new JsonArray(new JsonObject { ["failureType"] = "failed", ["numberOfRetries"] = 2 }),
                ["initialBackoffInSeconds"] = 1, ["maximumBackoffInSeconds"] = 2,
            },
        };
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", job)).EnsureStatus(HttpStatusCode.OK);

        var done = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal("completed", (string?)done["status"]);
        // Devices, never attempts: the three retried devices count once each, with their last answer (IoT Hub counts an answer as completed).
        var stats = done["deviceJobStatistics"]!;
        Assert.Equal(7, (int)stats["deviceCount"]!);
        Assert.Equal(5, (int)stats["succeededCount"]!);
        Assert.Equal(2, (int)stats["failedCount"]!);
        Assert.Equal(7, (int)done["rolloutStatus"]!["executedDevices"]!);
        Assert.Equal(3, (int)done["rolloutStatus"]!["failedDevices"]!);

        var executions = await Ledger.ExecutionsAsync(system, jobId);
        Assert.All(failing, d => Assert.Equal(3, executions.GetValueOrDefault(d)));
        Assert.All(good, d => Assert.Equal(1, executions.GetValueOrDefault(d)));
        Assert.All(offline, d => Assert.False(executions.ContainsKey(d)));
        var calls = await CallIdsAsync(jobId);
        Assert.All(failing, d => Assert.Equal(3, calls.GetValueOrDefault(d)));

        var attempts = await AttemptsAsync(jobId);
        Assert.All(failing, d => Assert.Equal(3, attempts[d]));
        Assert.All(good.Concat(offline), d => Assert.Equal(1, attempts[d]));

        var rows = (await system.Hub.PostAsync("/devices/query", new JsonObject
            { ["query"] = $"SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '{jobId}'" })).EnsureStatus(HttpStatusCode.OK).Json.AsArray()
            .ToDictionary(r => (string)r!["deviceId"]!, r => r!.AsObject());
        Assert.All(failing, d =>
        {
            Assert.Equal("completed", (string?)rows[d]["status"]);
            Assert.Equal(500, (int)rows[d]["outcome"]!["deviceMethodResponse"]!["status"]!);
            Assert.Equal(3, (int)rows[d]["attempts"]!);
            Assert.Equal("failed", (string?)rows[d]["lastError"]!["failureType"]);
            Assert.Equal(500, (int)rows[d]["lastError"]!["status"]!);
        });
        // A device job attempted once keeps IoT Hub's shape.
        Assert.All(good.Concat(offline), d => Assert.False(rows[d].ContainsKey("attempts")));
        Assert.All(offline, d => Assert.Equal("DeviceNotOnline", (string?)rows[d]["error"]!["code"]));
    }

    [Fact]
    public async Task Retries_waiting_for_their_backoff_survive_a_crash_of_both_schedulers_and_still_run_once()
    {
        var failing = await Fleet.CreateAsync(system.Hub, $"ru-{_run}", 3, new JsonObject { ["run"] = _run, ["sim"] = new JsonObject { ["methodStatus"] = 500 } });
        var jobId = $"ru-{_run}";
        var job = Fleet.MethodJob(jobId, $"tags.run = '{_run}'");
        job["rollout"] = new JsonObject
        {
            ["retry"] = new JsonObject
            {
                ["criteria"] = new JsonArray(new JsonObject { ["failureType"] = "any", ["numberOfRetries"] = 1 }),
                ["initialBackoffInSeconds"] = 4, ["maximumBackoffInSeconds"] = 4,
            },
        };
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", job)).EnsureStatus(HttpStatusCode.OK);

        // Every device failed its first attempt and waits at least 2 s for its retry: then no scheduler is left alive.
        await Ledger.EventuallyAsync(async () => await WaitingForRetryAsync(jobId) == 3);
        await Task.WhenAll(system.RestartAsync("scheduler-1"), system.RestartAsync("scheduler-2"));

        var done = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal(3, (int)done["deviceJobStatistics"]!["deviceCount"]!);
        var executions = await Ledger.ExecutionsAsync(system, jobId);
        Assert.All(failing, d => Assert.Equal(2, executions.GetValueOrDefault(d)));
        var attempts = await AttemptsAsync(jobId);
        Assert.All(failing, d => Assert.Equal(2, attempts[d]));
    }

    private async Task<int> WaitingForRetryAsync(string jobId)
    {
        await using var cmd = system.Database.CreateCommand(
            "select count(*)::int from dispatch.device_jobs where job_id = $1 and status = 'pending' and next_attempt_at is not null");
        cmd.Parameters.AddWithValue(jobId);
        return (int)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>How many distinct calls (call ids) device-sim received for each device of the job.</summary>
    private async Task<Dictionary<string, int>> CallIdsAsync(string jobId)
    {
        await using var cmd = system.Database.CreateCommand(
            "select device_id, count(distinct call_id)::int from devicesim.calls where job_id = $1 group by device_id");
        cmd.Parameters.AddWithValue(jobId);
        var counts = new Dictionary<string, int>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) counts[reader.GetString(0)] = reader.GetInt32(1);
        return counts;
    }

    private async Task<Dictionary<string, int>> AttemptsAsync(string jobId)
    {
        await using var cmd = system.Database.CreateCommand("select device_id, attempts from dispatch.device_jobs where job_id = $1");
        cmd.Parameters.AddWithValue(jobId);
        var attempts = new Dictionary<string, int>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) attempts[reader.GetString(0)] = reader.GetInt32(1);
        return attempts;
    }
}
