using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.Events;

/// <summary>One event of a stream as a client parses it (docs/events.md, "Server-Sent Events").</summary>
public sealed record StreamedEvent(string Id, string Type, JsonNode CloudEvent)
{
    public JsonNode Data => CloudEvent["data"]!;

    /// <summary>The id as the (sequence, index) pair it stands for: ids compare as numbers.</summary>
    public (long Sequence, int Index) Position
    {
        get
        {
            var parts = Id.Split('.');
            return (long.Parse(parts[0]), parts.Length > 1 ? int.Parse(parts[1]) : 0);
        }
    }
}

/// <summary>
/// A Server-Sent Events client over the gateway: parses <c>id</c>/<c>event</c>/<c>data</c> lines and comments, and tells
/// a clean end of the stream (the server closed it) from a broken one.
/// </summary>
public sealed class EventStreamReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventStreamReader(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body);
    }

    public HttpResponseMessage Response => _response;
    public int Heartbeats { get; private set; }
    public string? Retry { get; private set; }

    public static async Task<EventStreamReader> OpenAsync(HubClient hub, string path, string? lastEventId = null)
    {
        var response = await hub.OpenStreamAsync(path, r =>
        {
            if (lastEventId is not null) r.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        });
        if (response.StatusCode != HttpStatusCode.OK)
            throw new Xunit.Sdk.XunitException($"Expected 200 for {path} but got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return new EventStreamReader(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event, or null when the server ended the stream. Comments count as heartbeats.</summary>
    public Task<StreamedEvent?> NextAsync(CancellationToken ct) => NextAsync(ct, untilHeartbeat: false);

    /// <summary>Reads until a heartbeat comment arrives; the events read meanwhile are returned.</summary>
    public async Task<List<StreamedEvent>> UntilHeartbeatAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var events = new List<StreamedEvent>();
        var before = Heartbeats;
        while (Heartbeats == before)
        {
            var e = await NextAsync(timeout.Token, untilHeartbeat: true);
            if (e is not null) events.Add(e);
            else if (Heartbeats == before) throw new Xunit.Sdk.XunitException("The stream ended before a heartbeat");
        }
        return events;
    }

    private async Task<StreamedEvent?> NextAsync(CancellationToken ct, bool untilHeartbeat)
    {
        string? id = null, type = null, data = null;
        while (true)
        {
            var line = await _reader.ReadLineAsync(ct);
            if (line is null) return null;
            if (line.Length == 0)
            {
                if (data is not null) return new StreamedEvent(id ?? "", type ?? "message", JsonNode.Parse(data)!);
                continue;
            }
            if (line.StartsWith(':'))
            {
                if (!line.Contains("heartbeat", StringComparison.Ordinal)) continue;
                Heartbeats++;
                if (untilHeartbeat) return null;
                continue;
            }
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id": id = value; break;
                case "event": type = value; break;
                case "data": data = data is null ? value : data + "\n" + value; break;
                case "retry": Retry = value; break;
            }
        }
    }

    /// <summary>Every event until the server ends the stream (within <paramref name="within"/>, else a TimeoutException).</summary>
    public async Task<List<StreamedEvent>> ReadToEndAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromMinutes(3));
        var events = new List<StreamedEvent>();
        try
        {
            while (await NextAsync(timeout.Token) is { } e) events.Add(e);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"The stream did not end; {events.Count} events read, the last {events.LastOrDefault()?.Id} {events.LastOrDefault()?.Type}");
        }
        return events;
    }

    /// <summary>Reads until <paramref name="until"/> holds for an event (which is included).</summary>
    public async Task<List<StreamedEvent>> ReadUntilAsync(Func<StreamedEvent, bool> until, TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromMinutes(3));
        var events = new List<StreamedEvent>();
        try
        {
            while (await NextAsync(timeout.Token) is { } e)
            {
                events.Add(e);
                if (until(e)) return events;
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
        }
        throw new TimeoutException($"The awaited event did not come; {events.Count} events read, the last {events.LastOrDefault()?.Id} {events.LastOrDefault()?.Type}");
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        await Task.CompletedTask;
    }
}
