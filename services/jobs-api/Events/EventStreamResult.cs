using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace JobsApi.Events;

/// <summary>
/// Writes a feed as <c>text/event-stream</c> until the feed is over or the client leaves: each event as
/// <c>id</c>/<c>event</c>/<c>data</c> lines, a <c>: heartbeat</c> comment after a quiet interval so proxies keep the
/// stream open (the gateway's idle timeout is 11 minutes: gateway/appsettings.json), flushed as it is written.
/// </summary>
public sealed class EventStreamResult(JobEventFeed feed, JobEventSources sources, string opening, TimeSpan heartbeat, ILogger logger) : IResult
{
    private const int MaxEventsPerWrite = 200;
    private static readonly byte[] Heartbeat = ": heartbeat\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext http)
    {
        var response = http.Response;
        var ct = http.RequestAborted;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // proxies that buffer by default (nginx) pass it on at once
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var clock = sources.Clock;
        try
        {
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes($"retry: 2000\n: {opening}\n\n"), ct);
            await response.Body.FlushAsync(ct);
            var quietSince = clock.GetUtcNow();
            while (!ct.IsCancellationRequested)
            {
                var events = await feed.NextAsync(MaxEventsPerWrite, int.MaxValue, ct);
                foreach (var e in events) await WriteAsync(response.Body, e, ct);
                if (events.Count > 0)
                {
                    await response.Body.FlushAsync(ct);
                    quietSince = clock.GetUtcNow();
                }
                if (feed.IsOver) return;
                if (events.Count >= MaxEventsPerWrite) continue;

                var now = clock.GetUtcNow();
                if (now - quietSince >= heartbeat)
                {
                    await response.Body.WriteAsync(Heartbeat, ct);
                    await response.Body.FlushAsync(ct);
                    quietSince = now;
                }
                var wake = quietSince + heartbeat;
                if (feed.NextSnapshotDue is { } due && due < wake) wake = due;
                await sources.Tail.WaitBeyondAsync(feed.ScannedThrough, wake - now, clock, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client left.
        }
        catch (Exception e)
        {
            // The database went away mid-stream, say. An aborted connection (not a clean end, which means "the job is
            // over") makes the client reconnect with its Last-Event-ID.
            logger.LogWarning(e, "Event stream aborted after {Position}", feed.Position);
            http.Abort();
        }
    }

    private static async Task WriteAsync(Stream body, HubEvent e, CancellationToken ct)
    {
        await body.WriteAsync(Encoding.UTF8.GetBytes($"id: {e.Id}\nevent: {e.Type}\ndata: "), ct);
        await body.WriteAsync(e.Utf8Json, ct);
        await body.WriteAsync("\n\n"u8.ToArray(), ct);
    }
}
