using System.Diagnostics.Metrics;
using IotHubJobs.Contracts.Jobs;

namespace IotHubJobs.Dispatch;

/// <summary>Device operations of jobs by type and outcome, and how long each batch took from claim to outcome.</summary>
public static class DeviceOperationMetrics
{
    // The project's meter name, which every service exports (libs/ServiceDefaults/Telemetry.cs).
    private static readonly Meter Meter = new("IotHubJobs");
    private static readonly Counter<long> Operations = Meter.CreateCounter<long>(
        "iothub.device_operations", description: "Device operations of jobs, by type and outcome");
    private static readonly Histogram<double> Latency = Meter.CreateHistogram<double>(
        "iothub.device_operation.duration", unit: "s", description: "Time from claim to outcome of a device operation");

    public static void Record(string operation, IReadOnlyList<DeviceJobResult> results, DateTimeOffset startedAt, DateTimeOffset endedAt)
    {
        foreach (var outcome in results.GroupBy(r => r.ErrorCode ?? "Succeeded"))
            Operations.Add(outcome.Count(), new("operation", operation), new("outcome", outcome.Key));
        Latency.Record((endedAt - startedAt).TotalSeconds, new KeyValuePair<string, object?>("operation", operation));
    }
}
