using IotHubJobs.IotHubErrors;
using JobsApi.Jobs;
using Marten;

namespace JobsApi.Events;

/// <summary>
/// <c>GET /jobs/v2/{jobId}/events</c>: one job's events as Server-Sent Events, from its first event or after
/// <c>Last-Event-ID</c>, ending after its last (docs/events.md, "Server-Sent Events").
/// </summary>
public static class StreamJobEvents
{
    public static async Task<IResult> Handle(string jobId, HttpRequest request, IQuerySession session, JobRetention retention,
        JobEventSources sources, IConfiguration configuration, ILogger<EventStreamResult> logger, CancellationToken ct)
    {
        var job = await session.LoadAsync<JobStatus>(jobId, ct);
        if (job is null || retention.IsExpired(job)) return GetJob.NotFound(jobId);
        var (options, refusal) = EventStreamRequest.Read(request);
        if (refusal is not null) return IotHubErrorResponse.Result(refusal);

        var after = options!.LastEventId ?? EventPosition.Start;
        // A finished job's stream has ended: a reconnect after its last event is told to stop (EventSource obeys 204).
        if (job is { IsFinished: true, FinalStatistics: not null } && await sources.Log.LastSequenceAsync(jobId, ct) is { } last
            && after.Sequence >= last)
            return Results.NoContent();

        var feed = sources.Feed(EventSelection.ForStream(options.Devices, jobId: jobId), after);
        return new EventStreamResult(feed, sources, $"job {jobId}", Heartbeat(configuration), logger);
    }

    public static TimeSpan Heartbeat(IConfiguration configuration) => TimeSpan.FromSeconds(configuration.GetValue("Events:HeartbeatSeconds", 15.0));
}
