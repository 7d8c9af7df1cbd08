using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using DeviceLoad;

// The benchmark's load generator (docs/benchmarks.md, "Real devices"): N real MQTT devices in one process, driven by
// tests/Benchmark over stdin/stdout. stdin: "device <id> <key>" lines, then "connect"; later "report" (any number of
// times) and "quit". stdout: one JSON object per line — {"event":"connected",…} once all are connected, and
// {"event":"report",…} for each report. Diagnostics go to stderr.
var options = LoadOptions.Parse(args);
var ca = X509Certificate2.CreateFromPem(File.ReadAllText(options.CaPath));
var credentials = new List<(string Id, string Key)>();
string? line;
while ((line = Console.In.ReadLine()) is not null && line != "connect")
{
    var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    if (parts is ["device", var id, var key]) credentials.Add((id, key));
}

var counters = new DeviceCounters(credentials.Count);
var streams = new Dictionary<int, DeviceStreams>();
var devices = credentials.Select((c, i) =>
{
    var group = i / Math.Max(1, options.DevicesPerSourceAddress);
    if (!streams.TryGetValue(group, out var stream))
        streams[group] = stream = new DeviceStreams(options.Host, SourceAddress(group), ca);
    return new LoadDevice(i, c.Id, c.Key, options, stream, counters);
}).ToList();

using var stop = new CancellationTokenSource();
var cpuBefore = SelfMeasure.CpuSeconds();
var result = await new FleetConnector(devices, options.ConnectConcurrency).ConnectAllAsync(stop.Token);
Emit(new JsonObject
{
    ["event"] = "connected", ["devices"] = devices.Count, ["connected"] = result.Connected, ["failed"] = result.Failed,
    ["seconds"] = result.Seconds, ["retries"] = result.Retries, ["sourceAddresses"] = streams.Count,
    ["cpuSeconds"] = Math.Round(SelfMeasure.CpuSeconds() - cpuBefore, 2), ["firstErrors"] = new JsonArray(result.FirstErrors.Select(e => (JsonNode)e).ToArray()),
});
var pings = options.KeepAliveSeconds == 0 ? PingLoop.RunAsync(devices, TimeSpan.FromSeconds(options.PingIntervalSeconds), stop.Token) : Task.CompletedTask;

while ((line = Console.In.ReadLine()) is not null && line != "quit")
{
    if (line != "report") continue;
    Emit(new JsonObject
    {
        ["event"] = "report",
        ["connectedNow"] = devices.Count(d => d.IsConnected),
        ["methodRequests"] = Tally(counters.MethodRequests),
        ["desiredNotifications"] = Tally(counters.DesiredNotifications),
        ["reportedAcknowledged"] = Tally(counters.ReportedAcknowledgements),
        ["unexpectedMessages"] = counters.UnexpectedMessages,
        ["disconnections"] = counters.Disconnections,
        ["peakRssMb"] = SelfMeasure.PeakRssMb(),
        ["cpuSeconds"] = SelfMeasure.CpuSeconds(),
    });
}
stop.Cancel();
await pings;
await Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (d, _) => await d.DisconnectAsync());
return 0;

static JsonObject Tally(DeviceCounters.Tally t) => new() { ["total"] = t.Total, ["devices"] = t.Devices, ["maxPerDevice"] = t.MaxPerDevice };

static void Emit(JsonObject json) => Console.Out.WriteLine(json.ToJsonString());

// 127.0.1.1, 127.0.1.2, …: loopback addresses (all of 127.0.0.0/8 is), one per group of devices.
static IPAddress SourceAddress(int group)
{
    var value = (127u << 24) + (1u << 8) + 1u + (uint)group;
    return new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
}
