using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IotHubJobs.IotHubErrors;
using JobsApi.Events;

namespace JobsApi.Webhooks;

/// <summary>Reads and checks a subscription: its name and the body of <c>PUT /webhooks/{name}</c> (docs/events.md, "Webhooks").</summary>
public static partial class WebhookRequest
{
    public const int MaxEventTypes = 32;

    [GeneratedRegex("^[A-Za-z0-9-]{1,64}$")]
    private static partial Regex NameRule();

    public static IotHubRefusal? CheckName(string name) => NameRule().IsMatch(name) ? null
        : new IotHubRefusal(IotHubError.ArgumentInvalid, $"Webhook name '{ClientText.Shorten(name, 80)}' is invalid: use 1 to 64 US-ASCII letters, digits or '-'.");

    public static (WebhookDefinition?, IotHubRefusal?) Read(JsonNode? body)
    {
        if (body is not JsonObject o) return Refuse(IotHubError.ArgumentInvalid, "The webhook must be a JSON object.");
        if (Text(o["url"]) is not { Length: > 0 } url) return Refuse(IotHubError.ArgumentNull, "url is required.");

        if (o["eventTypes"] is not JsonArray types || types.Count == 0)
            return Refuse(IotHubError.ArgumentNull, "eventTypes is required: a list of event types, families (job.*) or *.");
        if (types.Count > MaxEventTypes) return Refuse(IotHubError.ArgumentInvalid, $"eventTypes holds more than {MaxEventTypes} entries.");
        var patterns = new List<string>();
        foreach (var type in types)
        {
            if (Text(type) is not { } pattern || !HubEventTypes.IsKnownPattern(pattern))
                return Refuse(IotHubError.ArgumentInvalid,
                    $"eventTypes holds '{ClientText.Shorten(type?.ToJsonString() ?? "null", 80)}', which is no event type; see docs/events.md.");
            if (!patterns.Contains(pattern)) patterns.Add(pattern);
        }

        string? prefix = null;
        if (o["jobIdPrefix"] is { } prefixNode && prefixNode.GetValueKind() != JsonValueKind.Null)
        {
            prefix = Text(prefixNode);
            if (prefix is null || !NameRule().IsMatch(prefix))
                return Refuse(IotHubError.ArgumentInvalid, "jobIdPrefix must be 1 to 64 US-ASCII letters, digits or '-'.");
        }

        string? secret = null;
        if (o["secret"] is { } secretNode && secretNode.GetValueKind() != JsonValueKind.Null)
        {
            secret = Text(secretNode);
            if (secret is null || secret.Length is < 16 or > 256 || secret.Any(char.IsControl))
                return Refuse(IotHubError.ArgumentInvalid, "secret must be 16 to 256 characters without control characters.");
        }
        return (new WebhookDefinition(url, patterns, prefix, secret), null);
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static (WebhookDefinition?, IotHubRefusal?) Refuse(IotHubError error, string message) => (null, new IotHubRefusal(error, message));
}
