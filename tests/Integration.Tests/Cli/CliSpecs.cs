using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Cli;

/// <summary>
/// The built <c>iotjobs</c> against the real system (cli/README.md): what it prints for people and for scripts, and the
/// exit code scripts branch on.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class CliSpecs(SystemUnderTest system)
{
    private readonly IotJobs _iotjobs = new(system);

    [Fact]
    public async Task Import_registers_a_csv_and_a_json_lines_file_in_batches_and_query_reads_every_page()
    {
        var run = Unique("imp");
        var csv = File(run, "devices.csv",
            "id,status,tags.cli,tags",
            $"{run}-a,,{run},\"{{\"\"sim\"\":{{}},\"\"kind\"\":\"\"csv\"\"}}\"",
            $"{run}-b,disabled,{run},",
            $"\"{run}-c\",,{run},");
        var jsonl = File(run, "devices.jsonl", Enumerable.Range(0, 247)
            .Select(i => new JsonObject { ["id"] = $"{run}-j{i:D3}", ["tags"] = new JsonObject { ["cli"] = run, ["sim"] = new JsonObject() } }.ToJsonString())
            .ToArray());

        (await _iotjobs.RunAsync("device", "import", csv)).Exits(0);
        var imported = (await _iotjobs.RunAsync("device", "import", jsonl, "--output", "json")).Exits(0);
        var again = await _iotjobs.RunAsync("device", "import", csv);

        Assert.Equal(247, (int)imported.Json["imported"]!);
        again.Exits(4);
        Assert.Contains("0 of 3 devices imported, 3 refused", again.Stdout);
        Assert.Contains("DeviceAlreadyExists", again.Stdout);
        var everyPage = (await _iotjobs.RunAsync("query", $"SELECT deviceId, status FROM devices WHERE tags.cli = '{run}'", "--page-size", "100", "-o", "json")).Exits(0);
        Assert.Equal(250, everyPage.Json.AsArray().Count);
        Assert.Equal(250, everyPage.Json.AsArray().Select(d => (string)d!["deviceId"]!).Distinct().Count());
        Assert.Equal("disabled", (string?)everyPage.Json.AsArray().Single(d => (string)d!["deviceId"]! == $"{run}-b")!["status"]);
        var top = (await _iotjobs.RunAsync("query", "-q", $"SELECT * FROM devices WHERE tags.cli = '{run}'", "--top", "120", "--page-size", "50", "-o", "json")).Exits(0);
        Assert.Equal(120, top.Json.AsArray().Count);
        var table = (await _iotjobs.RunAsync("query", $"SELECT COUNT() AS n FROM devices WHERE tags.cli = '{run}'")).Exits(0);
        Assert.Contains("250", table.Stdout);
    }

    [Fact]
    public async Task A_method_job_created_with_wait_shows_its_progress_and_ends_with_exit_code_0_and_its_final_statistics()
    {
        var run = Unique("wait");
        await Fleet.CreateAsync(system.Hub, run, 120, new JsonObject { ["cli"] = run });

        var created = (await _iotjobs.RunAsync("job", "create", "--job-id", run, "--job-type", "scheduleDeviceMethod",
            "--method-name", "echo", "--method-payload", """{"n":1}""", "--method-response-timeout", "20",
            "--query-condition", $"tags.cli = '{run}'", "--ttl", "600", "--wait", "--output", "json")).Exits(0);

        var stats = created.Json["deviceJobStatistics"]!;
        Assert.Equal("completed", (string?)created.Json["status"]);
        Assert.Equal(120, (int)stats["deviceCount"]!);
        Assert.Equal(120, (int)stats["succeededCount"]!);
        Assert.Equal(0, (int)stats["failedCount"]!);
        Assert.Equal(600, (int)created.Json["maxExecutionTimeInSeconds"]!);
        Assert.Contains($"{run} completed [", created.Stderr);
        Assert.Contains("succeeded 120 · failed 0 · running 0 · pending 0 · of 120", created.Stderr);
        var shown = (await _iotjobs.RunAsync("job", "show", run)).Exits(0);
        Assert.Matches(@"succeeded\s+120", shown.Stdout);
    }

    [Fact]
    public async Task Watching_a_job_with_failed_devices_exits_4_and_its_device_results_can_be_queried()
    {
        var run = Unique("fail");
        await Fleet.CreateAsync(system.Hub, run + "-ok", 3, new JsonObject { ["cli"] = run });
        await Fleet.CreateAsync(system.Hub, run + "-off", 2, new JsonObject { ["cli"] = run, ["sim"] = new JsonObject { ["offline"] = true } });
        (await _iotjobs.RunAsync("job", "create", "-j", run, "--jt", "scheduleDeviceMethod", "--mn", "reboot", "-q", $"tags.cli = '{run}'")).Exits(0);

        var watched = (await _iotjobs.RunAsync("job", "watch", run)).Exits(4);

        Assert.Matches(@"failed\s+2", watched.Stdout);
        Assert.Matches(@"succeeded\s+3", watched.Stdout);
        var failed = (await _iotjobs.RunAsync("query", $"SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '{run}' AND devices.jobs.status = 'failed'", "-o", "json")).Exits(0);
        Assert.All(failed.Json.AsArray(), d => Assert.Equal("DeviceNotOnline", (string?)d!["error"]!["code"]));
        Assert.Equal(2, failed.Json.AsArray().Count);
    }

    [Fact]
    public async Task A_scheduled_job_is_listed_cancelled_and_then_watching_it_exits_5()
    {
        var run = Unique("sched");
        var created = (await _iotjobs.RunAsync("job", "create", "--job-id", run, "--job-type", "scheduleUpdateTwin",
            "--twin-patch", """{"tags":{"cliPatched":true}}""", "--query-condition", "*", "--start-time", "2030-01-01T00:00:00Z", "-o", "json")).Exits(0);
        Assert.Equal("queued", (string?)created.Json["status"]);

        var listed = (await _iotjobs.RunAsync("job", "list", "--job-type", "scheduleUpdateTwin", "-o", "json")).Exits(0);
        var cancelled = (await _iotjobs.RunAsync("job", "cancel", run, "-o", "json")).Exits(0);
        var watched = await _iotjobs.RunAsync("job", "watch", "--job-id", run);

        Assert.Contains(listed.Json.AsArray(), j => (string?)j!["jobId"] == run);
        Assert.All(listed.Json.AsArray(), j => Assert.Equal("scheduleUpdateTwin", (string?)j!["type"]));
        Assert.Equal("cancelled", (string?)cancelled.Json["status"]);
        watched.Exits(5);
        Assert.Matches(@"status\s+cancelled", watched.Stdout);
        var cancelledOnly = (await _iotjobs.RunAsync("job", "list", "--job-status", "cancelled", "-o", "json")).Exits(0);
        Assert.Contains(cancelledOnly.Json.AsArray(), j => (string?)j!["jobId"] == run);
    }

    [Fact]
    public async Task Waiting_shorter_than_the_job_runs_exits_6_and_leaves_the_job_running()
    {
        var run = Unique("slow");
        await Fleet.CreateAsync(system.Hub, run, 2, new JsonObject { ["cli"] = run, ["sim"] = new JsonObject { ["latencyMs"] = 60_000 } });

        var waited = await _iotjobs.RunAsync("job", "create", "-j", run, "--jt", "scheduleDeviceMethod", "--mn", "reboot",
            "--mrt", "120", "-q", $"tags.cli = '{run}'", "--wait", "--poll-duration", "1", "-o", "json");

        waited.Exits(6);
        Assert.Contains("stopped waiting", waited.Stderr);
        Assert.NotEqual("completed", (string?)waited.Json["status"]);
        (await _iotjobs.RunAsync("job", "cancel", run)).Exits(0);
    }

    [Fact]
    public async Task Devices_twins_and_direct_methods()
    {
        var device = Unique("dev");

        var createdDevice = (await _iotjobs.RunAsync("device", "create", "--device-id", device, "--tags", """{"sim":{},"floor":"2"}""", "-o", "json")).Exits(0);
        var shownDevice = (await _iotjobs.RunAsync("device", "show", device)).Exits(0);
        var updated = (await _iotjobs.RunAsync("twin", "update", device, "--tags", """{"floor":"3"}""", "--desired", """{"fw":"1.2"}""", "-o", "json")).Exits(0);
        var twin = (await _iotjobs.RunAsync("twin", "show", "-d", device)).Exits(0);
        var echoed = (await _iotjobs.RunAsync("method", "invoke", device, "--method-name", "echo", "--method-payload", """{"ping":"pong"}""", "-o", "json")).Exits(0);
        var listed = (await _iotjobs.RunAsync("device", "list", "--top", "0", "-o", "json")).Exits(0);
        (await _iotjobs.RunAsync("device", "delete", device)).Exits(0);
        var gone = await _iotjobs.RunAsync("device", "show", device);

        Assert.Equal(device, (string?)createdDevice.Json["deviceId"]);
        Assert.Matches(@"status\s+enabled", shownDevice.Stdout);
        Assert.Equal("3", (string?)updated.Json["tags"]!["floor"]);
        Assert.Equal("1.2", (string?)updated.Json["properties"]!["desired"]!["fw"]);
        Assert.Contains("""{"fw":"1.2"}""", twin.Stdout);
        Assert.Equal(200, (int)echoed.Json["status"]!);
        Assert.Equal("pong", (string?)echoed.Json["payload"]!["ping"]);
        Assert.Contains(listed.Json.AsArray(), d => (string?)d!["deviceId"] == device);
        gone.Exits(1);
        Assert.Contains("DeviceNotFound", gone.Stderr);
    }

    [Fact]
    public async Task A_refusal_is_one_line_with_the_IoT_Hub_error_code_and_exit_code_1()
    {
        var unknown = await _iotjobs.RunAsync("job", "show", "no-such-job");
        var environment = _iotjobs.Environment();
        environment["IOTHUB_CONNECTION_STRING"] = _iotjobs.ConnectionString(key: Convert.ToBase64String(new byte[32]));
        var wrongKey = await _iotjobs.RunAsync(environment, "job", "list");
        var registryOnly = _iotjobs.Environment();
        registryOnly["IOTHUB_CONNECTION_STRING"] = _iotjobs.ConnectionString("registryRead");
        var lacksRight = await _iotjobs.RunAsync(registryOnly, "job", "list");

        unknown.Exits(1);
        Assert.Equal("error: JobNotFound: Job 'no-such-job' was not found. (HTTP 404)", unknown.Stderr.Trim());
        Assert.Empty(unknown.Stdout);
        wrongKey.Exits(1);
        Assert.StartsWith("error: IotHubUnauthorizedAccess: ", wrongKey.Stderr.Trim());
        Assert.Single(wrongKey.Stderr.Trim().Split('\n'));
        lacksRight.Exits(1);
        Assert.Contains("IotHubUnauthorizedAccess", lacksRight.Stderr);
    }

    [Fact]
    public async Task Usage_mistakes_exit_2_and_a_hub_that_is_missing_unreachable_or_untrusted_exits_3()
    {
        var missingType = await _iotjobs.RunAsync("job", "create", "-q", "*");
        var badJson = await _iotjobs.RunAsync("job", "create", "--jt", "scheduleDeviceMethod", "--mn", "x", "--mp", "{oops", "-q", "*");
        var nothing = _iotjobs.Environment();
        nothing["IOTHUB_CONNECTION_STRING"] = null;
        var notConfigured = await _iotjobs.RunAsync(nothing, "job", "list");
        var closed = _iotjobs.Environment();
        closed["HUB_URL"] = $"https://localhost:{SystemUnderTest.FreePort()}";
        var unreachable = await _iotjobs.RunAsync(closed, "job", "list");
        var untrusted = _iotjobs.Environment();
        untrusted["HUB_CA_CERT"] = null;
        var notTrusted = await _iotjobs.RunAsync(untrusted, "job", "list");

        missingType.Exits(2);
        Assert.Contains("--job-type", missingType.Stderr);
        badJson.Exits(2);
        Assert.Contains("--method-payload is not valid JSON", badJson.Stderr);
        notConfigured.Exits(3);
        Assert.Contains("IOTHUB_CONNECTION_STRING", notConfigured.Stderr);
        unreachable.Exits(3);
        Assert.Contains("Cannot reach the hub", unreachable.Stderr);
        notTrusted.Exits(3);
        Assert.Contains("HUB_CA_CERT", notTrusted.Stderr);
    }

    [Fact]
    public async Task Every_command_has_help_and_the_shell_completion_knows_the_commands()
    {
        string[][] commands =
        [
            [], ["job"], ["job", "create"], ["job", "watch"], ["job", "show"], ["job", "list"], ["job", "cancel"],
            ["job", "preview"], ["job", "pause"], ["job", "resume"], ["job", "approve"], ["job", "cancel-device"],
            ["device"], ["device", "create"], ["device", "show"], ["device", "list"], ["device", "delete"], ["device", "import"],
            ["twin"], ["twin", "show"], ["twin", "update"], ["query"], ["method"], ["method", "invoke"], ["sas-token"], ["completion"],
        ];
        foreach (var command in commands)
        {
            var help = (await _iotjobs.RunAsync([.. command, "--help"])).Exits(0);
            Assert.Contains("Usage:", help.Stdout);
        }
        var bash = (await _iotjobs.RunAsync("completion", "bash")).Exits(0);
        var suggested = (await _iotjobs.RunAsync("[suggest:4]", "job ")).Exits(0);
        var values = (await _iotjobs.RunAsync("[suggest:22]", "job create --job-type ")).Exits(0);

        Assert.Contains("complete -o default -F _iotjobs_complete iotjobs", bash.Stdout);
        Assert.Superset(new HashSet<string> { "create", "preview", "watch", "show", "list", "cancel", "pause", "resume", "approve", "cancel-device" },
            Lines(suggested.Stdout));
        Assert.Superset(new HashSet<string> { "scheduleDeviceMethod", "scheduleUpdateTwin" }, Lines(values.Stdout));
    }

    private static HashSet<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();

    private static string Unique(string what) => $"cli-{what}-{Guid.NewGuid():N}"[..24];

    private string File(string run, string name, params string[] lines)
    {
        var path = Path.Combine(system.RunDirectory, $"{run}-{name}");
        System.IO.File.WriteAllLines(path, lines);
        return path;
    }
}
