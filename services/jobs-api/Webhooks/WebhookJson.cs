using System.Text.Json.Nodes;
using JobsApi.Http;

namespace JobsApi.Webhooks;

/// <summary>The wire shape of a subscription and of a delivery (docs/events.md, "Webhooks"). The secret is never in it.</summary>
public static class WebhookJson
{
    public static JsonObject Subscription(WebhookSubscription s) => new()
    {
        ["name"] = s.Name,
        ["url"] = s.Url,
        ["eventTypes"] = new JsonArray(s.EventTypes.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
        ["jobIdPrefix"] = s.JobIdPrefix,
        ["createdTime"] = IotHubJson.Date(s.CreatedUtc),
        ["updatedTime"] = IotHubJson.Date(s.UpdatedUtc),
        ["delivery"] = new JsonObject
        {
            ["state"] = s.NextAttemptUtc is not null ? "retrying" : "ok",
            ["lastEventId"] = s.Cursor.ToString(),
            ["attempts"] = s.Attempts,
            ["failingSince"] = Date(s.FailingSince),
            ["nextAttemptTime"] = Date(s.NextAttemptUtc),
            ["lastAttemptTime"] = Date(s.LastAttemptUtc),
            ["lastStatusCode"] = s.LastStatusCode,
            ["lastReason"] = s.LastReason,
        },
    };

    public static JsonObject Delivery(WebhookDelivery d) => new()
    {
        ["firstEventId"] = d.FirstEventId,
        ["lastEventId"] = d.LastEventId,
        ["eventCount"] = d.EventCount,
        ["status"] = d.Status,
        ["attempts"] = d.Attempts,
        ["statusCode"] = d.StatusCode,
        ["reason"] = d.Reason,
        ["firstAttemptTime"] = IotHubJson.Date(d.FirstAttemptUtc),
        ["lastAttemptTime"] = IotHubJson.Date(d.LastAttemptUtc),
    };

    private static string? Date(DateTimeOffset? value) => value is { } v ? IotHubJson.Date(v) : null;
}
