using IotHubJobs.IotHubErrors;

namespace JobsApi.Events;

/// <summary>
/// <c>GET /jobs/v2/events</c>: every job's events as Server-Sent Events, from now on or after <c>Last-Event-ID</c>,
/// optionally only jobs whose id starts with <c>jobIdPrefix</c>; it never ends (docs/events.md, "Server-Sent Events").
/// </summary>
public static class StreamAllJobEvents
{
    public static async Task<IResult> Handle(HttpRequest request, JobEventSources sources, IConfiguration configuration,
        ILogger<EventStreamResult> logger, CancellationToken ct)
    {
        var (options, refusal) = EventStreamRequest.Read(request);
        if (refusal is not null) return IotHubErrorResponse.Result(refusal);
        var after = options!.LastEventId ?? new EventPosition(await sources.Tail.RefreshAsync(ct), 0);
        var feed = sources.Feed(EventSelection.ForStream(options.Devices, jobIdPrefix: options.JobIdPrefix), after);
        return new EventStreamResult(feed, sources, "every job", StreamJobEvents.Heartbeat(configuration), logger);
    }
}
