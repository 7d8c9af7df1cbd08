using System.Text.Json;
using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>
/// The figures of one fleet run. Besides the rate: the machine's load average when bench.sh started and when the run
/// ended, and the machine's busy CPU seconds during the job next to the instance's own (cpuSecondsDuringJob), so a
/// reader sees how much else the machine was doing, and the instance's CPU per device operation; PostgreSQL's fsync setting, so a figure from a non-durable
/// database cannot pass for one from a durable one; and which table the device executions were counted from. A run over
/// real devices (transport "mqtt") adds how connecting them went and what the devices saw (RealFleet); a paced run
/// (--rate) the rate it achieved (RolloutRate); a run with a webhook subscriber (--webhook) what the subscriber
/// received (WebhookSubscriber). benchmarkToolCpuSecondsDuringJob is this tool's own CPU in the job's window (polling
/// the job, and a webhook receiver's work), which competes with the instance on a small machine. Work says where the
/// time went: CPU, SQL statements, commits, rows, WAL and messages per device operation (WorkPerDeviceOp); Floor what
/// this machine's PostgreSQL and broker do bare (PhysicalFloor). getOfRunningJobMs: how long the tool's GETs of the job
/// took while it ran (each counts the job live), as p50, p99, max and count.
/// </summary>
public sealed record BenchReport(string Job, int Devices, int Executors, double Seconds, double DeviceOpsPerSecond,
    long FirstDispatchMs, Dictionary<string, long> PeakRssMb, bool Exact, Dictionary<string, double> CpuSeconds,
    MachineCpu MachineCpuDuringJob, double[]? LoadAtStart, double[] LoadAtEnd, string PostgresFsync,
    string? ExecutionsCountedFrom, string? Side, string? Commit, string Transport, JsonObject? RealDevices, JsonObject? Rate = null,
    JsonObject? Webhook = null, double? ToolCpuSeconds = null, WorkPerDeviceOp? Work = null, JsonObject? Floor = null,
    JsonObject? RunningGetMs = null, string? ServicesCode = null, int? JitProfilesAtStart = null)
{
    /// <summary>
    /// The instance's own CPU time (all its processes) per device operation: what a device operation costs, which
    /// depends less than the rate on how much of the machine other work took during the run.
    /// </summary>
    public double InstanceCpuMsPerDeviceOp => Math.Round(CpuSeconds.Values.Sum() * 1000 / Math.Max(Devices, 1), 3);

    /// <summary>The one JSON line of the format, plus whether every check passed.</summary>
    public override string ToString()
    {
        var json = new JsonObject();
        if (Side is not null) json["side"] = Side;
        if (Commit is not null) json["commit"] = Commit;
        json["job"] = Job;
        json["transport"] = Transport;
        if (ServicesCode is not null) json["servicesCode"] = ServicesCode;
        if (JitProfilesAtStart is not null) json["jitProfilesAtStart"] = JitProfilesAtStart;
        json["devices"] = Devices;
        json["executors"] = Executors;
        json["seconds"] = Seconds;
        json["deviceOpsPerSecond"] = DeviceOpsPerSecond;
        json["firstDispatchMs"] = FirstDispatchMs;
        if (RunningGetMs is not null) json["getOfRunningJobMs"] = RunningGetMs.DeepClone();
        json["peakRssMb"] = JsonSerializer.SerializeToNode(PeakRssMb);
        json["exact"] = Exact;
        json["cpuSecondsDuringJob"] = JsonSerializer.SerializeToNode(CpuSeconds);
        json["instanceCpuMsPerDeviceOp"] = InstanceCpuMsPerDeviceOp;
        if (ToolCpuSeconds is not null) json["benchmarkToolCpuSecondsDuringJob"] = ToolCpuSeconds;
        json["machineCpuSecondsDuringJob"] = new JsonObject
        {
            ["busy"] = MachineCpuDuringJob.BusySeconds, ["steal"] = MachineCpuDuringJob.StealSeconds,
            ["cores"] = Environment.ProcessorCount,
        };
        json["loadAverage"] = new JsonObject
        {
            ["start"] = JsonSerializer.SerializeToNode(LoadAtStart), ["end"] = JsonSerializer.SerializeToNode(LoadAtEnd),
        };
        json["postgresFsync"] = PostgresFsync;
        json["executionsCountedFrom"] = ExecutionsCountedFrom;
        if (PeakRssMb.TryGetValue("device-gateway", out var endpoint)) json["deviceEndpointPeakRssMb"] = endpoint;
        if (Rate is not null) json["rate"] = Rate.DeepClone();
        if (Webhook is not null) json["webhook"] = Webhook.DeepClone();
        if (Work is not null) foreach (var (key, value) in Work.ToJson()) json[key] = value?.DeepClone();
        if (Floor is not null) json["floor"] = Floor.DeepClone();
        if (RealDevices is not null)
            foreach (var (key, value) in RealDevices) json[key] = value?.DeepClone();
        return json.ToJsonString(JsonLine.Options);
    }
}
