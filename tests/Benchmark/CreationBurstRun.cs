using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>
/// ./bench.sh --creations N: N job PUTs, 32 in flight (429 → wait Retry-After, retry), on a query that matches no
/// device so each job finishes as soon as the running-jobs cap lets it start. Proves every job recorded and finished;
/// reports the creation rate, the time until the last job finished, and each service's peak RSS over the run.
/// </summary>
public sealed class CreationBurstRun(CreationBurstRun.Options options)
{
    public sealed record Options(string HubEnvPath, string PidDirectory, int Jobs, int InFlight)
    {
        public static Options Parse(string[] args)
        {
            string Value(string name) =>
                args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? throw new ArgumentException($"{name} is required");
            return new Options(Value("--hub-env"), Value("--pids"), int.Parse(Value("--creations")),
                args.Contains("--in-flight") ? int.Parse(Value("--in-flight")) : 32);
        }
    }

    public sealed record Report(int Jobs, int InFlight, double CreateSeconds, double CreationsPerSecond, int Throttled,
        double AllFinishedSeconds, Dictionary<string, long> PeakRssMb, bool Exact)
    {
        public override string ToString() => new JsonObject
        {
            ["mode"] = "creations", ["jobs"] = Jobs, ["inFlight"] = InFlight, ["createSeconds"] = CreateSeconds,
            ["creationsPerSecond"] = CreationsPerSecond, ["throttled"] = Throttled, ["allFinishedSeconds"] = AllFinishedSeconds,
            ["peakRssMb"] = JsonSerializer.SerializeToNode(PeakRssMb), ["exact"] = Exact,
        }.ToJsonString();
    }

    public async Task<Report> RunAsync()
    {
        using var hub = new HubHttp(HubEnv.Load(options.HubEnvPath));
        var run = Guid.NewGuid().ToString("N")[..8];
        var jobIds = Enumerable.Range(0, options.Jobs).Select(i => $"burst-{run}-{i:D6}").ToList();
        var clock = Stopwatch.StartNew();
        var burst = await CreationBurst.RunAsync(jobIds, options.InFlight, jobId =>
            hub.SendRawAsync(HttpMethod.Put, $"/jobs/v2/{jobId}", JobRequest(jobId, run)));
        foreach (var refusal in burst.Refusals.Take(5)) Console.Error.WriteLine("refused: " + refusal);
        var finished = await WaitUntilAllFinishedAsync(hub, jobIds);
        var allFinished = clock.Elapsed;

        var exact = burst.Created == options.Jobs && burst.Refusals.Count == 0
                    && finished.Count == options.Jobs && finished.Values.All(s => s == "completed");
        return new Report(options.Jobs, options.InFlight, Math.Round(burst.Elapsed.TotalSeconds, 2), Math.Round(burst.CreatedPerSecond),
            burst.Throttled, Math.Round(allFinished.TotalSeconds, 2), PeakMemory.PerService(options.PidDirectory), exact);
    }

    private static JsonObject JobRequest(string jobId, string run) => new()
    {
        ["jobId"] = jobId, ["type"] = "scheduleDeviceMethod", ["queryCondition"] = $"tags.burst = '{run}'",
        ["cloudToDeviceMethod"] = new JsonObject { ["methodName"] = "reboot", ["payload"] = new JsonObject(), ["responseTimeoutInSeconds"] = 30 },
    };

    private static async Task<Dictionary<string, string>> WaitUntilAllFinishedAsync(HubHttp hub, IReadOnlyList<string> jobIds)
    {
        var final = new ConcurrentDictionary<string, string>();
        var deadline = DateTime.UtcNow.AddMinutes(30);
        while (final.Count < jobIds.Count && DateTime.UtcNow < deadline)
        {
            await Parallel.ForEachAsync(jobIds.Where(id => !final.ContainsKey(id)), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (jobId, _) =>
            {
                var status = (string?)(await hub.SendAsync(HttpMethod.Get, $"/jobs/v2/{jobId}"))?["status"];
                if (status is "completed" or "failed" or "cancelled") final[jobId] = status;
            });
            if (final.Count < jobIds.Count) await Task.Delay(500);
        }
        return new Dictionary<string, string>(final);
    }
}
