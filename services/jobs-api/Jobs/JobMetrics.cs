using System.Diagnostics.Metrics;
using IotHubJobs.ServiceDefaults;

namespace JobsApi.Jobs;

/// <summary>Job life-cycle counts, relay lag and the dispatch backlog, exported by OTLP and on /metrics.</summary>
public static class JobMetrics
{
    private static readonly Counter<long> Jobs = Telemetry.Meter.CreateCounter<long>(
        "iothub.jobs", description: "Jobs by life-cycle event (created, cancelled, completed, failed; started is counted by the scheduler)");
    private static readonly Histogram<double> RelayLag = Telemetry.Meter.CreateHistogram<double>(
        "iothub.relay.lag", unit: "s", description: "Time from an event's commit to its publication on the bus (the outbox projection's lag)");
    private static long _backlog;

    static JobMetrics() =>
        Telemetry.Meter.CreateObservableGauge("iothub.fanout.backlog", () => Interlocked.Read(ref _backlog),
            description: "Device jobs dispatched to executors and not yet claimed (pending)");

    public static void Record(string lifecycleEvent, string jobType) =>
        Jobs.Add(1, new("event", lifecycleEvent), new("job_type", jobType));

    public static void RecordRelayLag(TimeSpan lag) => RelayLag.Record(Math.Max(0, lag.TotalSeconds));

    public static void SetBacklog(long pending) => Interlocked.Exchange(ref _backlog, pending);
}
