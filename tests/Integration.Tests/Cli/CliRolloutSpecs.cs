using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Cli;

/// <summary>
/// The built <c>iotjobs</c> driving rollouts against the real system (cli/README.md, "Rollouts"): waves that wait for an
/// approval only the spec gives, so nothing here depends on how fast the machine is; pause and resume; one device's
/// work cancelled; a dry run that prints the plan and records nothing.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class CliRolloutSpecs(SystemUnderTest system)
{
    private readonly IotJobs _iotjobs = new(system);

    [Fact]
    public async Task A_rollout_created_with_waves_awaits_approval_can_be_paused_and_resumed_and_runs_its_next_wave_once_approved()
    {
        var run = Unique("wave");
        var devices = await Fleet.CreateAsync(system.Hub, run, 6, new JsonObject { ["cli"] = run });

        (await _iotjobs.RunAsync("job", "create", "-j", run, "--jt", "scheduleDeviceMethod", "--mn", "reboot", "-q", $"tags.cli = '{run}'",
            "--waves", "2:approve")).Exits(0);
        await Ledger.EventuallyAsync(async () =>
            (bool?)(await system.Hub.GetAsync($"/jobs/v2/{run}")).EnsureStatus(HttpStatusCode.OK).Json["rolloutStatus"]?["awaitingApproval"] == true,
            TimeSpan.FromMinutes(3)); // a guard against a hung system, not a measure of speed

        var waiting = (await _iotjobs.RunAsync("job", "show", run, "--output", "json")).Exits(0).Json;
        Assert.Equal("running", (string?)waiting["status"]);
        Assert.Equal(1, (int?)waiting["rolloutStatus"]!["currentWave"]);
        Assert.Equal(2, (int?)waiting["rolloutStatus"]!["waveCount"]);
        Assert.Equal(4, (int?)waiting["rolloutStatus"]!["devicesWaiting"]);
        Assert.Equal(2, (int?)waiting["rollout"]!["waves"]![0]!["count"]);
        Assert.True((bool)waiting["rollout"]!["waves"]![0]!["requiresApproval"]!);
        var sheet = (await _iotjobs.RunAsync("job", "show", run)).Exits(0);
        Assert.Matches(@"wave\s+1 of 2", sheet.Stdout);
        Assert.Matches(@"awaitingApproval\s+yes", sheet.Stdout);
        var watchedWhileWaiting = (await _iotjobs.RunAsync("job", "watch", run, "--poll-duration", "2")).Exits(6);
        Assert.Contains("of 6 · wave 1 of 2 · awaiting approval", watchedWhileWaiting.Stderr);

        var paused = (await _iotjobs.RunAsync("job", "pause", run, "-o", "json")).Exits(0).Json;
        var pausedTwice = (await _iotjobs.RunAsync("job", "pause", run)).Exits(0);
        var cancelled = (await _iotjobs.RunAsync("job", "cancel-device", run, devices[3], "-o", "json")).Exits(0).Json;
        var resumed = (await _iotjobs.RunAsync("job", "resume", "--job-id", run, "-o", "json")).Exits(0).Json;
        var approved = (await _iotjobs.RunAsync("job", "approve", run, "-o", "json")).Exits(0).Json;
        var finished = (await _iotjobs.RunAsync("job", "watch", run, "-o", "json")).Exits(4).Json;
        var approvedTwice = await _iotjobs.RunAsync("job", "approve", run);

        Assert.Equal("paused", (string?)paused["status"]);
        Assert.Matches(@"status\s+paused", pausedTwice.Stdout);
        Assert.Equal(1, (int)cancelled["deviceJobStatistics"]!["failedCount"]!);
        Assert.Equal("running", (string?)resumed["status"]);
        Assert.True((bool)resumed["rolloutStatus"]!["awaitingApproval"]!);
        Assert.False((bool)approved["rolloutStatus"]!["awaitingApproval"]!);
        Assert.Equal("completed", (string?)finished["status"]);
        Assert.Equal(5, (int)finished["deviceJobStatistics"]!["succeededCount"]!);
        Assert.Equal(1, (int)finished["deviceJobStatistics"]!["failedCount"]!);
        Assert.Equal(2, (int?)finished["rolloutStatus"]!["currentWave"]);
        approvedTwice.Exits(1);
        Assert.StartsWith("error: PreconditionFailed: ", approvedTwice.Stderr.Trim());
        var canceledDevice = (await _iotjobs.RunAsync("query",
            $"SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '{run}' AND devices.jobs.status = 'canceled'", "-o", "json")).Exits(0);
        Assert.Equal(devices[3], (string?)canceledDevice.Json.AsArray().Single()!["deviceId"]);
    }

    [Fact]
    public async Task Preview_prints_the_matching_devices_the_wave_plan_and_the_estimate_and_creates_nothing()
    {
        var run = Unique("prev");
        var devices = await Fleet.CreateAsync(system.Hub, run, 30, new JsonObject { ["cli"] = run });
        string[] request =
        [
            "job", "preview", "-j", run, "--jt", "scheduleDeviceMethod", "--mn", "reboot", "-q", $"tags.cli = '{run}'",
            "--max-per-minute", "600", "--waves", "10%:60,100%",
        ];

        var plan = (await _iotjobs.RunAsync([.. request, "-o", "json"])).Exits(0).Json;
        var table = (await _iotjobs.RunAsync(request)).Exits(0);
        var fromFile = File(run, "rollout.json", """{"maximumPerMinute":600,"waves":[{"percentage":10,"bakeTimeInSeconds":60},{"percentage":100}]}""");
        var samePlan = (await _iotjobs.RunAsync("job", "preview", "-j", run, "--jt", "scheduleDeviceMethod", "--mn", "reboot",
            "-q", $"tags.cli = '{run}'", "--rollout", "@" + fromFile, "-o", "json")).Exits(0).Json;
        var notCreated = await _iotjobs.RunAsync("job", "show", run);

        Assert.True((bool)plan["dryRun"]!);
        Assert.Equal(30, (int)plan["deviceCount"]!);
        Assert.Equal(devices.Order(StringComparer.Ordinal).Take(20), plan["sampleDeviceIds"]!.AsArray().Select(d => (string)d!));
        Assert.Equal([3, 27], plan["waves"]!.AsArray().Select(w => (int)w!["deviceCount"]!));
        // 30 devices at 600 a minute take 3 s, plus the 60 s bake between the waves.
        Assert.Equal(63, (double)plan["estimatedDurationInSeconds"]!);
        Assert.Contains("30 match the query now", table.Stdout);
        Assert.Contains("1m03s", table.Stdout);
        Assert.Matches(@"1\W+3\W+3\W+60 s", table.Stdout);
        Assert.Contains("Nothing was created: this was a dry run.", table.Stdout);
        Assert.Equal(plan.ToJsonString(), samePlan.ToJsonString());
        notCreated.Exits(1);
        Assert.Contains("JobNotFound", notCreated.Stderr);
    }

    [Fact]
    public async Task A_rollout_the_hub_refuses_exits_1_with_the_field_named_and_one_it_cannot_read_exits_2_before_anything_is_sent()
    {
        var run = Unique("bad");
        string[] job = ["job", "create", "-j", run, "--jt", "scheduleDeviceMethod", "--mn", "reboot", "-q", "*"];

        var refused = await _iotjobs.RunAsync([.. job, "--waves", "50%,20%"]);
        var previewRefused = await _iotjobs.RunAsync(["job", "preview", .. job[2..], "--max-per-minute", "0"]);
        var badWaves = await _iotjobs.RunAsync([.. job, "--waves", "ten%"]);
        var badAbort = await _iotjobs.RunAsync([.. job, "--abort-criteria", "failed:10"]);
        var twice = await _iotjobs.RunAsync([.. job, "--rollout", """{"maximumPerMinute":5}""", "--max-per-minute", "6"]);
        var notCreated = await _iotjobs.RunAsync("job", "show", run);

        refused.Exits(1);
        Assert.Contains("ArgumentInvalid", refused.Stderr);
        Assert.Contains("rollout.waves[1].percentage must be above the wave before", refused.Stderr);
        previewRefused.Exits(1);
        Assert.Contains("rollout.maximumPerMinute", previewRefused.Stderr);
        badWaves.Exits(2);
        Assert.Contains("--waves", badWaves.Stderr);
        badAbort.Exits(2);
        Assert.Contains("TYPE:THRESHOLD_%:ACTION", badAbort.Stderr);
        twice.Exits(2);
        Assert.Contains("--max-per-minute and the maximumPerMinute of --rollout are both given", twice.Stderr);
        notCreated.Exits(1);
    }

    [Fact]
    public async Task A_job_created_with_a_recurrence_is_a_template_of_that_cron_and_time_zone_and_a_zone_without_a_cron_exits_2()
    {
        var run = Unique("rec");
        string[] job = ["job", "create", "-j", run, "--jt", "scheduleDeviceMethod", "--mn", "reboot", "-q", $"tags.cli = '{run}'"];

        var zoneAlone = await _iotjobs.RunAsync([.. job, "--recurrence-time-zone", "Europe/Berlin"]);
        var unknownZone = await _iotjobs.RunAsync([.. job, "--recurrence", "0 3 * * 1", "--recurrence-time-zone", "Mars/Olympus"]);
        var created = (await _iotjobs.RunAsync([.. job, "--recurrence", "0 3 * * 1", "--recurrence-time-zone", "Europe/Berlin", "-o", "json"])).Exits(0).Json;
        var shown = (await _iotjobs.RunAsync("job", "show", run, "-o", "json")).Exits(0).Json;

        zoneAlone.Exits(2);
        Assert.Contains("--recurrence-time-zone needs --recurrence", zoneAlone.Stderr);
        unknownZone.Exits(1);
        Assert.Contains("ArgumentInvalid", unknownZone.Stderr);
        Assert.Contains("recurrence.timeZone", unknownZone.Stderr);
        Assert.Equal(run, (string?)created["jobId"]);
        Assert.Equal(run, (string?)shown["jobId"]);
        // What the hub recorded, read from the hub itself.
        await Ledger.EventuallyAsync(async () => (string?)(await system.Hub.GetAsync($"/jobs/v2/{run}")).Json["status"] == "scheduled");
        var template = (await system.Hub.GetAsync($"/jobs/v2/{run}")).Json;
        Assert.Equal("0 3 * * 1", (string?)template["recurrence"]!["cron"]);
        Assert.Equal("Europe/Berlin", (string?)template["recurrence"]!["timeZone"]);
        (await _iotjobs.RunAsync("job", "cancel", run)).Exits(0);
        Assert.Equal("cancelled", (string?)(await system.Hub.GetAsync($"/jobs/v2/{run}")).Json["status"]);
    }

    private static string Unique(string what) => $"cli-{what}-{Guid.NewGuid():N}"[..24];

    private string File(string run, string name, string text)
    {
        var path = Path.Combine(system.RunDirectory, $"{run}-{name}");
        System.IO.File.WriteAllText(path, text);
        return path;
    }
}
