using System.Net;
using System.Text.Json.Nodes;
using IotHubJobs.Cli.Hub;

namespace IotHubJobs.Cli.Progress;

/// <summary>
/// Follows a job until it ends and returns its final document. It reads the job's event stream
/// (<c>GET /jobs/v2/{id}/events</c>, Server-Sent Events, docs/events.md) and reconnects with <c>Last-Event-ID</c> when
/// the stream breaks; where the hub has no stream (404 other than JobNotFound, 405, 501, not an event stream) or it
/// cannot be kept open (three failed connections in a row), it polls <c>GET /jobs/v2/{id}</c> every
/// <c>pollInterval</c>. A job with a rollout, or one seen paused, is polled too: a rollout's rolloutStatus is only in
/// the job document, and the stream's statuses have no "paused" (docs/events.md, "Rollout events"). Either way the final answer is the job document itself, read after the end.
/// </summary>
public sealed class JobWatcher(HubClient hub, IJobProgressView view, TimeSpan pollInterval, TimeProvider? time = null)
{
    private const int MaxStreamFailures = 3;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<JsonNode> WatchAsync(string jobId, CancellationToken ct)
    {
        var job = await ReadAsync(jobId, ct);
        if (JobSnapshot.From(job).IsFinished) return job;
        if (NeedsReading(job)) return await PollAsync(jobId, ct, RolloutNote);
        return await StreamAsync(jobId, ct) ?? await PollAsync(jobId, ct);
    }

    private const string RolloutNote = "a rollout's wave, approval and pause show only in the job document";

    /// <summary>Rollouts and pauses show only in the job document (docs/events.md, "Rollout events").</summary>
    private static bool NeedsReading(JsonNode job) => job["rollout"] is JsonObject || JobSnapshot.From(job).Status == "paused";

    /// <summary>The job's final document, or null when the stream is not available and polling must take over.</summary>
    private async Task<JsonNode?> StreamAsync(string jobId, CancellationToken ct)
    {
        var path = $"/jobs/v2/{Uri.EscapeDataString(jobId)}/events";
        string? lastEventId = null;
        var failures = 0;
        while (true)
        {
            var headers = new Dictionary<string, string>();
            if (lastEventId is not null) headers["Last-Event-ID"] = lastEventId;
            HttpResponseMessage response;
            try
            {
                response = await hub.OpenStreamAsync(path, headers, ct);
            }
            catch (HubUnreachableException)
            {
                if (++failures >= MaxStreamFailures) return Unavailable("the event stream cannot be reached");
                continue;
            }
            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    var refusal = HubClient.Refusal(response, await response.Content.ReadAsStringAsync(ct));
                    if (refusal.Error.Code == "JobNotFound") throw refusal;
                    if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented)
                        return Unavailable("this hub has no job event stream");
                    throw refusal;
                }
                if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
                    return Unavailable("the hub did not answer with an event stream");

                var (ended, id) = await FollowAsync(jobId, response, ct);
                lastEventId = id ?? lastEventId;
                var job = await ReadAsync(jobId, ct);
                if (ended || JobSnapshot.From(job).IsFinished) return job;
                if (NeedsReading(job)) return Unavailable(RolloutNote);
                if (++failures >= MaxStreamFailures) return Unavailable("the event stream keeps closing");
            }
        }
    }

    /// <summary>Reads events until the job ends (true) or the stream does (false); gives the last event id seen.</summary>
    private async Task<(bool Ended, string? LastEventId)> FollowAsync(string jobId, HttpResponseMessage response, CancellationToken ct)
    {
        var snapshot = JobSnapshot.From(await ReadAsync(jobId, ct));
        var reader = new ServerSentEventReader(new StreamReader(await response.Content.ReadAsStreamAsync(ct)));
        var lastRead = _time.GetUtcNow();
        try
        {
            await foreach (var e in reader.ReadAllAsync(ct))
            {
                var reading = JobEventReading.Of(e);
                snapshot = snapshot.With(reading.Status, reading.Statistics);
                if (reading.Ended) return (true, reader.LastEventId);
                if (reading.NeedsRefresh && _time.GetUtcNow() - lastRead >= pollInterval)
                {
                    snapshot = JobSnapshot.From(await ReadAsync(jobId, ct));
                    lastRead = _time.GetUtcNow();
                    if (snapshot.IsFinished) return (true, reader.LastEventId);
                    if (snapshot.Status == "paused" || snapshot.Rollout is not null) return (false, reader.LastEventId);
                }
                view.Show(snapshot);
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
        {
            // the connection broke: the caller reads the job and reconnects from the last event id
        }
        return (false, reader.LastEventId);
    }

    private async Task<JsonNode> PollAsync(string jobId, CancellationToken ct, string? why = null)
    {
        if (why is not null) Unavailable(why);
        while (true)
        {
            await Task.Delay(pollInterval, _time, ct);
            var job = await ReadAsync(jobId, ct);
            if (JobSnapshot.From(job).IsFinished) return job;
        }
    }

    private async Task<JsonNode> ReadAsync(string jobId, CancellationToken ct)
    {
        var answer = await hub.GetAsync($"/jobs/v2/{Uri.EscapeDataString(jobId)}", ct);
        var job = answer.Body ?? throw new HubUnreachableException("The hub answered a job read with an empty body");
        view.Show(JobSnapshot.From(job));
        return job;
    }

    private JsonNode? Unavailable(string why)
    {
        view.Note($"{why}; polling every {pollInterval.TotalSeconds:0.#} s");
        return null;
    }
}
