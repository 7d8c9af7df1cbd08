using System.Text.Json;
using System.Text.Json.Nodes;

namespace Benchmark;

public sealed record BenchReport(string Job, int Devices, int Executors, double Seconds, double DeviceOpsPerSecond,
    long FirstDispatchMs, Dictionary<string, long> PeakRssMb, bool Exact, Dictionary<string, double> CpuSeconds)
{
    /// <summary>The one JSON line of the format, plus whether every check passed.</summary>
    public override string ToString() => new JsonObject
    {
        ["job"] = Job, ["devices"] = Devices, ["executors"] = Executors, ["seconds"] = Seconds,
        ["deviceOpsPerSecond"] = DeviceOpsPerSecond, ["firstDispatchMs"] = FirstDispatchMs,
        ["peakRssMb"] = JsonSerializer.SerializeToNode(PeakRssMb), ["exact"] = Exact,
        ["cpuSecondsDuringJob"] = JsonSerializer.SerializeToNode(CpuSeconds),
    }.ToJsonString();
}
