using System.Diagnostics.Metrics;
using IotHubJobs.ServiceDefaults;

namespace Scheduler.Schedules;

public static class SchedulerMetrics
{
    private static readonly Histogram<double> StartLag = Telemetry.Meter.CreateHistogram<double>(
        "iothub.scheduler.start_lag", unit: "s", description: "Actual start minus the job's startTime");
    private static readonly Counter<long> Dispatched = Telemetry.Meter.CreateCounter<long>(
        "iothub.scheduler.devices_dispatched", description: "Device jobs written to the ledger and sent to executors");

    private static readonly Counter<long> FanOutWaits = Telemetry.Meter.CreateCounter<long>(
        "iothub.scheduler.fanout_waits", description: "Times a job's next fan-out chunk waited because its window of unfinished device jobs was full");

    private static readonly Counter<long> Jobs = Telemetry.Meter.CreateCounter<long>(
        "iothub.jobs", description: "Jobs by life-cycle event (started is counted here, the others by jobs-api)");

    public static void RecordStart(TimeSpan lag) => StartLag.Record(Math.Max(0, lag.TotalSeconds));

    public static void RecordStarted(int jobs) => Jobs.Add(jobs, new KeyValuePair<string, object?>("event", "started"));

    public static void RecordFanOutWait() => FanOutWaits.Add(1);

    public static void RecordDispatched(int devices, string jobType) => Dispatched.Add(devices, new KeyValuePair<string, object?>("job_type", jobType));
}
