using System.Diagnostics;
using System.Text.Json.Nodes;
using Npgsql;

namespace Benchmark;

/// <summary>One benchmark run: fleet, job, exactness checks, figures.</summary>
public sealed class FleetJobRun(BenchOptions options)
{
    public async Task<BenchReport> RunAsync()
    {
        using var hub = new HubHttp(HubEnv.Load(options.HubEnvPath));
        await using var db = NpgsqlDataSource.Create(options.Postgres);
        var run = Guid.NewGuid().ToString("N")[..8];

        var creating = Stopwatch.StartNew();
        await CreateDevicesAsync(hub, run);
        Console.Error.WriteLine($"created {options.Devices} devices in {creating.Elapsed.TotalSeconds:F1} s");

        var jobId = $"bench-{options.Job}-{run}";
        var cpuBefore = CpuTime.Sample(options.InstanceDirectory);
        var machineBefore = MachineCpu.Read();
        await hub.SendAsync(HttpMethod.Put, $"/jobs/v2/{jobId}", JobRequest(jobId, run));
        var job = await WaitAsync(hub, jobId);
        var cpu = CpuTime.Between(cpuBefore, CpuTime.Sample(options.InstanceDirectory));
        var machine = MachineCpu.Read().Since(machineBefore);
        var stats = job["deviceJobStatistics"]!;
        var start = DateTimeOffset.Parse((string)job["startTime"]!);
        var end = DateTimeOffset.Parse((string)job["endTime"]!);
        var seconds = (end - start).TotalSeconds;

        var executions = options.Job == "method" ? await DeviceExecutions.OfJobAsync(db, jobId) : null;
        if (options.Job == "method" && executions is null) Console.Error.WriteLine("no table of device executions found: not exact");
        var exact = (string?)job["status"] == "completed"
                    && (int)stats["deviceCount"]! == options.Devices && (int)stats["succeededCount"]! == options.Devices
                    && await LedgerIsExactAsync(db, jobId)
                    && (options.Job == "twin" || executions is { } e && e.Devices == options.Devices && e.Executions == options.Devices);
        var firstDispatch = await FirstDispatchAsync(db, jobId);
        return new BenchReport(options.Job, options.Devices, options.Executors, Math.Round(seconds, 2),
            Math.Round(options.Devices / Math.Max(seconds, 0.001)), (long)(firstDispatch - start).TotalMilliseconds,
            PeakMemory.PerService(options.PidDirectory), exact, cpu, machine, options.LoadAtStart, LoadAverage.Now(),
            await SettingAsync(db, "fsync"), executions?.Table, options.Side, options.Commit);
    }

    private async Task CreateDevicesAsync(HubHttp hub, string run)
    {
        var chunks = Enumerable.Range(0, options.Devices).Select(i => $"bench-{run}-{i:D7}").Chunk(100);
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (chunk, _) =>
            await hub.SendAsync(HttpMethod.Post, "/devices", new JsonArray(chunk.Select(id => (JsonNode)new JsonObject
            {
                ["id"] = id, ["importMode"] = "create", ["tags"] = new JsonObject { ["bench"] = run, ["sim"] = new JsonObject() },
            }).ToArray())));
    }

    private JsonObject JobRequest(string jobId, string run)
    {
        var job = new JsonObject
        {
            ["jobId"] = jobId, ["queryCondition"] = $"tags.bench = '{run}'", ["maxExecutionTimeInSeconds"] = 3600,
        };
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
                ["properties"] = new JsonObject { ["desired"] = new JsonObject { ["firmware"] = "2.0." + run } },
            };
        }
        return job;
    }

    private static async Task<JsonNode> WaitAsync(HubHttp hub, string jobId)
    {
        var deadline = DateTime.UtcNow.AddMinutes(30);
        while (true)
        {
            var job = (await hub.SendAsync(HttpMethod.Get, $"/jobs/v2/{jobId}"))!;
            if ((string?)job["status"] is "completed" or "failed" or "cancelled" || DateTime.UtcNow > deadline) return job;
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
