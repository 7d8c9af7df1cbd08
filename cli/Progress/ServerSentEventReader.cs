using System.Runtime.CompilerServices;

namespace IotHubJobs.Cli.Progress;

/// <summary>
/// Reads Server-Sent Events as the HTML standard defines the format (the same rules as the dashboard's parser,
/// gateway/Dashboard/site/js/sse.js): lines end in LF, CR or CRLF; <c>field: value</c> with one optional space after the
/// colon; <c>data</c> lines join with LF; a blank line dispatches; lines starting with <c>:</c> are comments (keep-alives);
/// <c>id</c> is remembered for reconnecting (<c>Last-Event-ID</c>), also across events that carry none; <c>retry</c> sets
/// the reconnection delay; unknown fields are ignored; an event without data is not dispatched.
/// </summary>
public sealed class ServerSentEventReader(TextReader reader)
{
    /// <summary>The id to send as <c>Last-Event-ID</c> when reconnecting.</summary>
    public string? LastEventId { get; private set; }

    /// <summary>The delay the server asked for before reconnecting.</summary>
    public TimeSpan? Retry { get; private set; }

    public async IAsyncEnumerable<ServerSentEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        var data = new System.Text.StringBuilder();
        string? type = null;
        var hasData = false;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (hasData) yield return new ServerSentEvent(type is { Length: > 0 } ? type : "message", data.ToString(), LastEventId);
                data.Clear();
                type = null;
                hasData = false;
                continue;
            }
            if (line[0] == ':') continue;
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' ')) value = value[1..];
            switch (field)
            {
                case "data":
                    if (hasData) data.Append('\n');
                    data.Append(value);
                    hasData = true;
                    break;
                case "event":
                    type = value;
                    break;
                case "id" when !value.Contains('\0'):
                    LastEventId = value;
                    break;
                case "retry" when value.Length > 0 && value.All(char.IsAsciiDigit) && long.TryParse(value, out var ms):
                    Retry = TimeSpan.FromMilliseconds(ms);
                    break;
            }
        }
        // A stream that ends in the middle of an event drops it, as browsers do.
    }
}
