using System.Text;
using System.Text.Json.Nodes;
using JobsApi.Http;

namespace JobsApi.Events;

/// <summary>
/// One event as readers receive it: a CloudEvent 1.0 in structured JSON (docs/events.md, "The envelope"). The same
/// text is an SSE event's data line and a webhook's body (or an element of a batch).
/// </summary>
public sealed class HubEvent(EventPosition id, string type, string jobId, string subject, DateTimeOffset time, JsonObject data)
{
    private byte[]? _utf8;

    public EventPosition Id { get; } = id;
    public string Type { get; } = type;
    public string JobId { get; } = jobId;
    public string Subject { get; } = subject;
    public DateTimeOffset Time { get; } = time;
    public JsonObject Data { get; } = data;

    /// <summary>The CloudEvent as compact JSON (one line: JSON escapes every line break inside strings), UTF-8.</summary>
    public byte[] Utf8Json => _utf8 ??= Encoding.UTF8.GetBytes(IotHubJson.Text(new JsonObject
    {
        ["specversion"] = "1.0",
        ["id"] = Id.ToString(),
        ["source"] = $"/jobs/v2/{JobId}",
        ["type"] = Type,
        ["subject"] = Subject,
        ["time"] = IotHubJson.Date(Time),
        ["datacontenttype"] = "application/json",
        ["data"] = Data,
    }));
}
