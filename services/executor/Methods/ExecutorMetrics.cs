using System.Diagnostics.Metrics;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.ServiceDefaults;

namespace Executor.Methods;

/// <summary>Device operations by type and outcome, and how long each chunk of device calls took.</summary>
public static class ExecutorMetrics
{
    private static readonly Counter<long> Operations = Telemetry.Meter.CreateCounter<long>(
        "iothub.device_operations", description: "Device operations run by executors, by type and outcome");
    private static readonly Histogram<double> Latency = Telemetry.Meter.CreateHistogram<double>(
        "iothub.device_operation.duration", unit: "s", description: "Time from claim to outcome of a device operation");

    public static void Record(string operation, IReadOnlyList<DeviceJobResult> results, DateTimeOffset startedAt, DateTimeOffset endedAt)
    {
        foreach (var outcome in results.GroupBy(r => r.ErrorCode ?? "Succeeded"))
            Operations.Add(outcome.Count(), new("operation", operation), new("outcome", outcome.Key));
        Latency.Record((endedAt - startedAt).TotalSeconds, new KeyValuePair<string, object?>("operation", operation));
    }
}
