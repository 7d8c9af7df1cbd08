using System.Net;
using System.Text.Json;

namespace IotHubJobs.Cli.Hub;

/// <summary>
/// The hub's refusal, read from its answer (docs/iothub-api.md, "Errors"): the code from the <c>iothub-errorcode</c>
/// header or the body, and the message without its <c>ErrorCode:Name;</c> prefix. Format B (a failed direct method)
/// holds the real message in a JSON object written as a string.
/// </summary>
public sealed record HubError(HttpStatusCode Status, string Code, string Message)
{
    public static HubError Read(HttpStatusCode status, string? headerCode, string body)
    {
        var (bodyCode, message) = FromBody(body);
        var code = headerCode is { Length: > 0 } ? headerCode : bodyCode ?? status.ToString();
        return new HubError(status, code, message ?? $"HTTP {(int)status}");
    }

    /// <summary>One line: <c>DeviceNotFound: The device 'x' does not exist (HTTP 404)</c>.</summary>
    public override string ToString() => $"{Code}: {Message} (HTTP {(int)Status})";

    private static (string? Code, string? Message) FromBody(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, null);
            if (root.TryGetProperty("Message", out var m) && m.ValueKind == JsonValueKind.String)
                return FromMessage(m.GetString()!);
            if (root.TryGetProperty("message", out var bare) && bare.ValueKind == JsonValueKind.String)
                return (null, bare.GetString());
            return (null, null);
        }
        catch (JsonException)
        {
            return (null, body.Length is > 0 and < 300 ? body.Trim() : null);
        }
    }

    private static (string? Code, string? Message) FromMessage(string message)
    {
        if (message.StartsWith('{'))
        {
            var (_, inner) = FromBody(message);
            return (null, inner ?? message);
        }
        const string prefix = "ErrorCode:";
        if (!message.StartsWith(prefix, StringComparison.Ordinal)) return (null, message);
        var semicolon = message.IndexOf(';');
        return semicolon < 0
            ? (message[prefix.Length..], message)
            : (message[prefix.Length..semicolon], message[(semicolon + 1)..]);
    }
}

/// <summary>The hub answered, and refused.</summary>
public sealed class HubRequestException(HubError error, string? body = null) : Exception(error.ToString())
{
    public HubError Error { get; } = error;

    /// <summary>The answer's body, for refusals that carry more than a message (a bulk call's per-device errors).</summary>
    public string? Body { get; } = body;
}

/// <summary>The hub could not be reached, or its certificate was not trusted: nothing is known to have happened.</summary>
public sealed class HubUnreachableException(string message, Exception? inner = null) : Exception(message, inner);
