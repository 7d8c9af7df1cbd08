using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Benchmark;

/// <summary>One benchmark run: fleet, job, exactness checks, figures.</summary>
public sealed class FleetJobRun(BenchOptions options)
{
    public async Task<BenchReport> RunAsync()
    {
        var env = HubEnv.Load(options.HubEnvPath);
        using var hub = new HubHttp(env);
        await using var db = NpgsqlDataSource.Create(options.Postgres);
        var run = Guid.NewGuid().ToString("N")[..8];
        await using var realFleet = options.Transport == "mqtt" ? new RealFleet(options, env, db, run) : null;

        var creating = Stopwatch.StartNew();
        await CreateDevicesAsync(hub, run, realFleet);
        Console.Error.WriteLine($"created {options.Devices} devices in {creating.Elapsed.TotalSeconds:F1} s");
        var connecting = realFleet is null ? null : await realFleet.ConnectAsync();

        var jobId = $"bench-{options.Job}-{run}";
        using var receiver = options.Webhook ? await WebhookSubscriber.SubscribeAsync(hub, jobId) : null;
        await Task.Delay(PostgresCounters.ReportingDelay);  // the devices' creation reported, not counted as the job's
        var postgresBefore = await PostgresCounters.ReadAsync(db);
        var busBefore = await BusCounters.ReadAsync(options.InstanceDirectory);
        var cpuBefore = CpuTime.Sample(options.InstanceDirectory);
        var machineBefore = MachineCpu.Read();
        var toolBefore = Process.GetCurrentProcess().TotalProcessorTime; // this process: polling, and the webhook receiver
        var loadGeneratorBefore = realFleet is null ? 0 : await realFleet.LoadGeneratorCpuSecondsAsync();
        await hub.SendAsync(HttpMethod.Put, $"/jobs/v2/{jobId}", JobRequest(jobId, run));
        var (job, runningGets) = await WaitAsync(hub, jobId);
        var cpu = CpuTime.Between(cpuBefore, CpuTime.Sample(options.InstanceDirectory));
        var machine = MachineCpu.Read().Since(machineBefore);
        var toolCpu = (Process.GetCurrentProcess().TotalProcessorTime - toolBefore).TotalSeconds;
        var loadGeneratorCpu = realFleet is null ? 0 : await realFleet.LoadGeneratorCpuSecondsAsync() - loadGeneratorBefore;
        await Task.Delay(PostgresCounters.ReportingDelay);  // the job's last statements reported
        var postgres = (await PostgresCounters.ReadAsync(db)).Since(postgresBefore);
        var bus = (await BusCounters.ReadAsync(options.InstanceDirectory)).Since(busBefore);
        var stats = job["deviceJobStatistics"]!;
        var start = DateTimeOffset.Parse((string)job["startTime"]!);
        var end = DateTimeOffset.Parse((string)job["endTime"]!);
        var seconds = (end - start).TotalSeconds;

        var jobExact = (string?)job["status"] == "completed"
                       && (int)stats["deviceCount"]! == options.Devices && (int)stats["succeededCount"]! == options.Devices
                       && await LedgerIsExactAsync(db, jobId);
        DeviceExecutions.Count? executions = null;
        RealFleet.Outcome? devices = null;
        bool devicesExact;
        if (realFleet is not null)
        {
            devices = options.Job == "method" ? await realFleet.MethodOutcomeAsync(jobId) : await realFleet.TwinOutcomeAsync(Firmware(run), start);
            devicesExact = devices.Exact;
        }
        else
        {
            executions = options.Job == "method" ? await DeviceExecutions.OfJobAsync(db, jobId) : null;
            if (options.Job == "method" && executions is null) Console.Error.WriteLine("no table of device executions found: not exact");
            devicesExact = options.Job == "twin" || executions is { } e && e.Devices == options.Devices && e.Executions == options.Devices;
        }
        if (!jobExact) Console.Error.WriteLine($"not exact: job {jobId} ended '{(string?)job["status"]}' with {stats.ToJsonString()}; ledger rows all completed: {await LedgerIsExactAsync(db, jobId)}");
        if (!devicesExact) Console.Error.WriteLine($"not exact: what the devices saw ({(devices?.Figures.ToJsonString() ?? executions?.ToString() ?? "no executions table")})");
        var webhook = receiver is null ? null : await WebhookSubscriber.AwaitOutcomesAsync(receiver, options.Devices, end);
        var firstDispatch = await FirstDispatchAsync(db, jobId);
        var realDevices = realFleet is null ? null : RealDevicesFigures(connecting!, devices!, loadGeneratorCpu);
        var rate = options.RatePerMinute is { } requested ? await RolloutRate.MeasureAsync(db, jobId, requested) : null;
        if (rate is not null) Console.Error.WriteLine($"achieved {rate["achievedPerMinute"]} devices a minute (requested {options.RatePerMinute}); per full minute: {rate["perFullMinute"]?.ToJsonString()}");
        var work = WorkPerDeviceOp.From(options.Devices, cpu, postgres, bus);
        var runningGet = runningGets.Count == 0 ? null : Percentiles.Of(runningGets, decimals: 1);
        runningGet?.Add("count", runningGets.Count);
        var floor = await PhysicalFloor.MeasureAsync(db, options, run, options.Devices / Math.Max(seconds, 0.001), bus);
        return new BenchReport(options.Job, options.Devices, options.Executors, Math.Round(seconds, 2),
            Math.Round(options.Devices / Math.Max(seconds, 0.001)), (long)(firstDispatch - start).TotalMilliseconds,
            PeakMemory.PerService(options.PidDirectory), jobExact && devicesExact && (bool?)webhook?["exact"] != false, cpu, machine, options.LoadAtStart, LoadAverage.Now(),
            await SettingAsync(db, "fsync"), realFleet is null ? executions?.Table : "devices (load generator)", options.Side, options.Commit,
            options.Transport, realDevices, rate, webhook, Math.Round(toolCpu, 1), work, floor, runningGet, ServicesCode.Of(options.PidDirectory),
            ServicesCode.JitProfilesAtStart(options.PidDirectory));
    }

    /// <summary>What only a run with real devices has: connecting them, and what the devices and their load generator saw.</summary>
    private static JsonObject RealDevicesFigures(RealFleet.Connecting connecting, RealFleet.Outcome devices, double loadGeneratorCpu)
    {
        var figures = new JsonObject
        {
            ["connectSeconds"] = connecting.Seconds,
            ["connect"] = new JsonObject
            {
                ["notHeld"] = connecting.Failed, ["retries"] = connecting.Retries, ["sourceAddresses"] = connecting.SourceAddresses,
                ["cpuSeconds"] = JsonSerializer.SerializeToNode(connecting.CpuSeconds), ["firstErrors"] = connecting.FirstErrors.DeepClone(),
            },
            ["loadGeneratorCpuSecondsDuringJob"] = Math.Round(loadGeneratorCpu, 1),
        };
        foreach (var (key, value) in devices.Figures) figures[key] = value?.DeepClone();
        return figures;
    }

    private async Task CreateDevicesAsync(HubHttp hub, string run, RealFleet? realFleet)
    {
        var chunks = Enumerable.Range(0, options.Devices).Select(i => $"bench-{run}-{i:D7}").Chunk(100);
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (chunk, _) =>
            await hub.SendAsync(HttpMethod.Post, "/devices", new JsonArray(chunk.Select(id => (JsonNode)(realFleet?.Entry(id) ?? new JsonObject
            {
                ["id"] = id, ["importMode"] = "create", ["tags"] = new JsonObject { ["bench"] = run, ["sim"] = new JsonObject() },
            })).ToArray())));
    }

    private static string Firmware(string run) => "2.0." + run;

    private JsonObject JobRequest(string jobId, string run)
    {
        var job = new JsonObject
        {
            ["jobId"] = jobId, ["queryCondition"] = $"tags.bench = '{run}'", ["maxExecutionTimeInSeconds"] = 3600,
        };
        if (options.RatePerMinute is { } perMinute) job["rollout"] = new JsonObject { ["maximumPerMinute"] = perMinute };
        if (options.Job == "method")
        {
            job["type"] = "scheduleDeviceMethod";
            job["cloudToDeviceMethod"] = new JsonObject { ["methodName"] = "reboot", ["payload"] = new JsonObject(), ["responseTimeoutInSeconds"] = 30 };
        }
        else
        {
            job["type"] = "scheduleUpdateTwin";
            job["updateTwin"] = new JsonObject
            {
                ["etag"] = "*", ["tags"] = new JsonObject { ["wave"] = run },
                ["properties"] = new JsonObject { ["desired"] = new JsonObject { ["firmware"] = Firmware(run) } },
            };
        }
        return job;
    }

    /// <summary>Polls the job until it ends; also returns how long each GET took that found it running (it counts the job live).</summary>
    private static async Task<(JsonNode Job, List<double> RunningGetMs)> WaitAsync(HubHttp hub, string jobId)
    {
        var deadline = DateTime.UtcNow.AddMinutes(30);
        var runningGetMs = new List<double>();
        while (true)
        {
            var timer = Stopwatch.StartNew();
            var job = (await hub.SendAsync(HttpMethod.Get, $"/jobs/v2/{jobId}"))!;
            if ((string?)job["status"] == "running") runningGetMs.Add(timer.Elapsed.TotalMilliseconds);
            if ((string?)job["status"] is "completed" or "failed" or "cancelled" || DateTime.UtcNow > deadline) return (job, runningGetMs);
            await Task.Delay(250);
        }
    }


    private static async Task<bool> LedgerIsExactAsync(NpgsqlDataSource db, string jobId)
    {
        await using var cmd = db.CreateCommand("select count(*) filter (where status <> 'completed') from dispatch.device_jobs where job_id = $1");
        cmd.Parameters.AddWithValue(jobId);
        return (long)(await cmd.ExecuteScalarAsync())! == 0;
    }

    private static async Task<string> SettingAsync(NpgsqlDataSource db, string name)
    {
        await using var cmd = db.CreateCommand("select current_setting($1)");
        cmd.Parameters.AddWithValue(name);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<DateTimeOffset> FirstDispatchAsync(NpgsqlDataSource db, string jobId)
    {
        await using var cmd = db.CreateCommand("select first_dispatch_at from scheduler.job_schedules where job_id = $1");
        cmd.Parameters.AddWithValue(jobId);
        return new DateTimeOffset((DateTime)(await cmd.ExecuteScalarAsync())!, TimeSpan.Zero);
    }
}
