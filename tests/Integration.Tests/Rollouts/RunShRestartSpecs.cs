using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;
using Npgsql;

namespace Integration.Tests.Rollouts;

/// <summary>
/// The "survives <c>./run.sh stop</c>/start": the whole hub as an operator runs it — ./run.sh with a data folder
/// and ports of its own (IOTHUB_LOCAL_DIR and the port variables of scripts/infra.sh and scripts/services.sh) — is stopped
/// and started again while a rollout is paused and waits for approval. Nothing of it lives in a process. And what a stop
/// leaves for the next start: each instance's JIT profile.
/// </summary>
[Collection(OwnServersCollection.Name)]
public sealed class RunShRestartSpecs
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_paused_rollout_waiting_for_approval_survives_run_sh_stop_and_start_and_then_completes_exactly()
    {
        var (directory, environment) = OwnHub();
        try
        {
            await RunShAsync("./run.sh --detach --no-build", environment);
            using var hub = HubOf(directory);
            var devices = await Fleet.CreateAsync(hub, $"rs-{_run}", 6, new JsonObject { ["run"] = _run });
            var jobId = $"rs-{_run}";
            var job = Fleet.MethodJob(jobId, $"tags.run = '{_run}'");
            job["rollout"] = new JsonObject { ["waves"] = new JsonArray(new JsonObject { ["count"] = 2, ["requiresApproval"] = true }) };
            (await hub.PutAsync($"/jobs/v2/{jobId}", job)).EnsureStatus(HttpStatusCode.OK);
            await Ledger.EventuallyAsync(async () => (bool?)(await hub.GetAsync($"/jobs/v2/{jobId}")).Json["rolloutStatus"]?["awaitingApproval"] == true,
                TimeSpan.FromSeconds(90));
            Assert.Equal("paused", (string?)(await hub.PostAsync($"/jobs/v2/{jobId}/pause")).EnsureStatus(HttpStatusCode.OK).Json["status"]);
            var database = await DatabaseAsync(environment);
            await using (database)
            {
                await Ledger.EventuallyAsync(async () => await PausedAsync(database, jobId));

                await RunShAsync("./run.sh stop", environment);
                await RunShAsync("./run.sh --detach --no-build", environment);

                var after = (await hub.GetAsync($"/jobs/v2/{jobId}")).EnsureStatus(HttpStatusCode.OK).Json;
                Assert.Equal("paused", (string?)after["status"]);
                Assert.True((bool)after["rolloutStatus"]!["awaitingApproval"]!);
                Assert.Equal(4, (int)after["rolloutStatus"]!["devicesWaiting"]!);
                Assert.True(await PausedAsync(database, jobId));
                Assert.Equal(2, (await ExecutionsAsync(database, jobId)).Count);

                (await hub.PostAsync($"/jobs/v2/{jobId}/approve")).EnsureStatus(HttpStatusCode.OK);
                Assert.Equal("running", (string?)(await hub.PostAsync($"/jobs/v2/{jobId}/resume")).EnsureStatus(HttpStatusCode.OK).Json["status"]);
                var done = await Fleet.WaitUntilFinishedAsync(hub, jobId);
                Assert.Equal("completed", (string?)done["status"]);
                Assert.Equal(6, (int)done["deviceJobStatistics"]!["deviceCount"]!);
                Assert.Equal(6, (int)done["deviceJobStatistics"]!["succeededCount"]!);
                Assert.Equal(0, (int)done["deviceJobStatistics"]!["failedCount"]!);
                var executions = await ExecutionsAsync(database, jobId);
                Assert.All(devices, d => Assert.Equal(1, executions.GetValueOrDefault(d)));
            }
        }
        finally
        {
            await Bash.RunAsync("./run.sh stop", TimeSpan.FromMinutes(5), environment);
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    [Fact]
    public async Task Run_sh_stop_leaves_each_service_instance_its_jit_profile_for_the_next_start()
    {
        var (directory, environment) = OwnHub();
        try
        {
            await RunShAsync("./run.sh --detach --no-build", environment);
            await RunShAsync("./run.sh stop", environment);

            // Written by the runtime as each process ends (libs/ServiceDefaults/JitProfile.cs), one per instance, in the
            // folder of the code it ran: the everyday build here (scripts/services.sh).
            var profiles = Path.Combine(directory, "jit-profiles", "everyday");
            Assert.All(new[] { "jobs-api", "scheduler", "executor-1", "executor-2", "device-sim", "device-gateway", "gateway" },
                instance => Assert.True(new FileInfo(Path.Combine(profiles, instance + ".jitprofile")) is { Exists: true, Length: > 0 }, $"{instance}'s profile"));
            // The next start plays them: every service still has to come up healthy (RunShAsync asserts the exit code).
            await RunShAsync("./run.sh --detach --no-build", environment);
        }
        finally
        {
            await Bash.RunAsync("./run.sh stop", TimeSpan.FromMinutes(5), environment);
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>A data folder and ports of its own for ./run.sh.</summary>
    private (string Directory, (string Key, string Value)[] Environment) OwnHub()
    {
        var directory = Path.Combine(Path.GetTempPath(), "iothub-jobs-tests", "runsh-" + _run);
        Directory.CreateDirectory(directory);
        var environment = new Dictionary<string, string>
        {
            ["IOTHUB_LOCAL_DIR"] = directory,
            ["IOTHUB_PG_PORT"] = Port(), ["IOTHUB_RABBITMQ_PORT"] = Port(), ["IOTHUB_RABBITMQ_DIST_PORT"] = Port(), ["IOTHUB_EPMD_PORT"] = Port(),
            ["IOTHUB_JOBS_API_PORT"] = Port(), ["IOTHUB_SCHEDULER_PORT"] = Port(), ["IOTHUB_EXECUTOR_PORT"] = Port(),
            ["IOTHUB_EXECUTOR2_PORT"] = Port(), ["IOTHUB_DEVICE_SIM_PORT"] = Port(), ["IOTHUB_DEVICE_GATEWAY_PORT"] = Port(),
            ["HUB_MQTT_PORT"] = Port(), ["HUB_HTTPS_PORT"] = Port(),
            // Durable, whatever the caller exported: a stop must not lose committed work.
            ["IOTHUB_PG_FAST"] = "0",
        }.Select(e => (e.Key, e.Value)).ToArray();
        return (directory, environment);
    }

    private static string Port() => SystemUnderTest.FreePort().ToString();

    private static async Task RunShAsync(string command, (string Key, string Value)[] environment)
    {
        // A whole start (PostgreSQL, RabbitMQ, every service healthy) takes minutes on a loaded 2-core machine: a guard, not a measure.
        var (exitCode, output) = await Bash.RunAsync(command, TimeSpan.FromMinutes(10), environment);
        Assert.True(exitCode == 0, $"{command} failed with exit {exitCode}:\n{output}");
    }

    /// <summary>A client of the hub as hub.env (written by ./run.sh) describes it: its URL, CA and owner connection string.</summary>
    private static HubClient HubOf(string directory)
    {
        var settings = File.ReadAllLines(Path.Combine(directory, "hub.env")).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var parts = settings["IOTHUB_CONNECTION_STRING"].Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var ca = Path.IsPathRooted(settings["HUB_CA_CERT"]) ? settings["HUB_CA_CERT"] : Path.Combine(RepositoryRoot.Path, settings["HUB_CA_CERT"]);
        return new HubClient(new Uri(settings["HUB_URL"]), ca, "localhost", parts["SharedAccessKeyName"], parts["SharedAccessKey"]);
    }

    /// <summary>The hub's own database, by the connection string scripts/infra.sh makes for it (start_postgres is idempotent).</summary>
    private static async Task<NpgsqlDataSource> DatabaseAsync((string Key, string Value)[] environment)
    {
        var (exitCode, output) = await Bash.RunAsync(". scripts/infra.sh && infra_init && start_postgres >/dev/null && echo \"PG=$IOTHUB_PG_CONNECTION\"", environment);
        Assert.Equal(0, exitCode);
        var line = output.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("PG=", StringComparison.Ordinal));
        // No pool: the hub's PostgreSQL stops and starts under the spec, which ends every connection it held.
        return NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(line[3..]) { Pooling = false }.ConnectionString);
    }

    private static async Task<bool> PausedAsync(NpgsqlDataSource database, string jobId)
    {
        await using var cmd = database.CreateCommand("select paused from scheduler.job_schedules where job_id = $1");
        cmd.Parameters.AddWithValue(jobId);
        return await cmd.ExecuteScalarAsync() is true;
    }

    /// <summary>How many times each simulated device ran the job's method (device-sim's append-only record of runs).</summary>
    private static async Task<Dictionary<string, int>> ExecutionsAsync(NpgsqlDataSource database, string jobId)
    {
        await using var cmd = database.CreateCommand("select device_id, count(*)::int from devicesim.executions where job_id = $1 group by device_id");
        cmd.Parameters.AddWithValue(jobId);
        var counts = new Dictionary<string, int>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) counts[reader.GetString(0)] = reader.GetInt32(1);
        return counts;
    }
}
