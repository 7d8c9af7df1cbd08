using System.Diagnostics;
using System.Text.Json.Nodes;
using Npgsql;

namespace Benchmark;

/// <summary>
/// ./bench.sh --latency N: N one-device method jobs, one after another, each created with no start time (so it starts
/// at once) on a simulated device that answers at once. For each it measures, from the moment the PUT was sent, until
/// the device ran the method (device-sim's execution record) and until <c>GET /jobs/v2/{id}</c> first shows the job
/// <c>completed</c> (polled every <see cref="PollInterval"/>, so that figure is late by up to one interval). Prints
/// p50, p99 and max of both; exact when every job completed with exactly one execution.
/// </summary>
public sealed class LatencyRun(LatencyRun.Options options)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    public sealed record Options(string HubEnvPath, string Postgres, int Jobs, double[]? LoadAtStart, string? PidDirectory)
    {
        public static Options Parse(string[] args)
        {
            string? Optional(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
            string Value(string name) => Optional(name) ?? throw new ArgumentException($"{name} is required");
            return new Options(Value("--hub-env"), Value("--postgres"), int.Parse(Value("--latency")),
                Optional("--load-at-start") is { } load ? LoadAverage.Parse(load) : null, Optional("--pids"));
        }
    }

    public sealed record Sample(double ExecutedMs, double CompletedMs, bool Exact);

    public async Task<JsonObject> RunAsync()
    {
        using var hub = new HubHttp(HubEnv.Load(options.HubEnvPath));
        await using var db = NpgsqlDataSource.Create(options.Postgres);
        var run = Guid.NewGuid().ToString("N")[..8];
        var deviceId = $"latency-{run}";
        await hub.SendAsync(HttpMethod.Post, "/devices", new JsonArray(new JsonObject
        {
            ["id"] = deviceId, ["importMode"] = "create", ["tags"] = new JsonObject { ["latency"] = run, ["sim"] = new JsonObject() },
        }));

        // One job first, not counted: the services' first request of each kind pays for JIT and connection setup.
        await MeasureAsync(hub, db, $"latency-{run}-warmup", run);
        var samples = new List<Sample>();
        for (var i = 0; i < options.Jobs; i++) samples.Add(await MeasureAsync(hub, db, $"latency-{run}-{i:D4}", run));

        var exact = samples.All(s => s.Exact);
        if (!exact) Console.Error.WriteLine($"not exact: {samples.Count(s => !s.Exact)} of {samples.Count} jobs did not complete with one execution");
        return new JsonObject
        {
            ["mode"] = "latency", ["jobs"] = options.Jobs, ["pollMs"] = PollInterval.TotalMilliseconds,
            ["servicesCode"] = options.PidDirectory is null ? null : ServicesCode.Of(options.PidDirectory),
            ["jitProfilesAtStart"] = options.PidDirectory is null ? null : ServicesCode.JitProfilesAtStart(options.PidDirectory),
            ["putToExecutionMs"] = Percentiles.Of(samples.Select(s => s.ExecutedMs)),
            ["putToCompletedMs"] = Percentiles.Of(samples.Select(s => s.CompletedMs)),
            ["exact"] = exact,
            ["loadAverage"] = new JsonObject
            {
                ["start"] = options.LoadAtStart is null ? null : new JsonArray(options.LoadAtStart.Select(v => (JsonNode)v).ToArray()),
                ["end"] = new JsonArray(LoadAverage.Now().Select(v => (JsonNode)v).ToArray()),
            },
        };
    }

    private static async Task<Sample> MeasureAsync(HubHttp hub, NpgsqlDataSource db, string jobId, string run)
    {
        var sentAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        await hub.SendAsync(HttpMethod.Put, $"/jobs/v2/{jobId}", new JsonObject
        {
            ["jobId"] = jobId, ["type"] = "scheduleDeviceMethod", ["queryCondition"] = $"tags.latency = '{run}'",
            ["cloudToDeviceMethod"] = new JsonObject { ["methodName"] = "reboot", ["payload"] = new JsonObject(), ["responseTimeoutInSeconds"] = 30 },
            ["maxExecutionTimeInSeconds"] = 600,
        });
        string? status;
        var deadline = TimeSpan.FromMinutes(2);
        do
        {
            status = (string?)(await hub.SendAsync(HttpMethod.Get, $"/jobs/v2/{jobId}"))!["status"];
            if (status is "completed" or "failed" or "cancelled") break;
            await Task.Delay(PollInterval);
        } while (clock.Elapsed < deadline);
        var completedMs = clock.Elapsed.TotalMilliseconds;

        await using var cmd = db.CreateCommand("select count(*), min(executed_at) from devicesim.executions where job_id = $1");
        cmd.Parameters.AddWithValue(jobId);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        var executions = reader.GetInt64(0);
        var executedMs = executions == 0 ? double.NaN : (new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero) - sentAt).TotalMilliseconds;
        return new Sample(executedMs, completedMs, status == "completed" && executions == 1);
    }
}
