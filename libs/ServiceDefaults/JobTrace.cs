using System.Diagnostics;

namespace IotHubJobs.ServiceDefaults;

/// <summary>
/// Trace shape of a job: creation, start and fan-out are one trace (the PUT's); every dispatched chunk of devices
/// gets a trace of its own that links back to it, so a 100,000-device job does not make one giant trace.
/// </summary>
public static class JobTrace
{
    /// <summary>A span in the job's own trace, continuing the stored W3C traceparent of its creation.</summary>
    public static Activity? Continue(string name, string? traceParent, ActivityKind kind = ActivityKind.Internal)
    {
        ActivityContext.TryParse(traceParent, null, out var parent);
        var previous = Activity.Current;
        Activity.Current = null;
        var activity = Telemetry.Source.StartActivity(name, kind, parent);
        if (activity is null) Activity.Current = previous;
        return activity;
    }

    /// <summary>A new root span for one chunk of device operations, linked to the job's trace.</summary>
    public static Activity? NewChunk(string name, ActivityContext job)
    {
        var previous = Activity.Current;
        Activity.Current = null;
        var activity = Telemetry.Source.StartActivity(name, ActivityKind.Producer, default(ActivityContext),
            links: job == default ? null : [new ActivityLink(job)]);
        if (activity is null) Activity.Current = previous;
        return activity;
    }
}
