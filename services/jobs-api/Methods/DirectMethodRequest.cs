using IotHubJobs.IotHubErrors;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IotHubJobs.ServiceDefaults;

namespace JobsApi.Methods;

/// <summary>
/// The body of <c>POST /twins/{id}/methods</c> with IoT Hub's limits (docs/iothub-api.md, "Direct methods"): response
/// timeout 5..300 s (default 30), connect timeout 0..300 s (default 0), payload at most 128 KB, method names as for
/// jobs.
/// </summary>
public sealed partial record DirectMethodRequest(string MethodName, string? PayloadJson, int ResponseTimeoutInSeconds, int ConnectTimeoutInSeconds)
{
    public const int MaxPayloadBytes = 128 * 1024;
    public const int DefaultResponseTimeoutInSeconds = 30;
    public const int MaxResponseTimeoutInSeconds = 300;
    public const int MaxConnectTimeoutInSeconds = 300;

    // Printable US-ASCII without IoT Hub's separators; job methods (Jobs/CreateJob.cs) use the same rule.
    [GeneratedRegex("""^[!#%&'*+\-.0-9A-Z^_`a-z|~]{1,128}$""")]
    private static partial Regex MethodNameRule();

    public static (DirectMethodRequest? Request, IotHubRefusal? Refusal) Parse(JsonNode? body)
    {
        if (body is not JsonObject m) return Fail(IotHubError.ArgumentInvalid, "The request body must be a JSON object with methodName, payload and timeouts.");
        var name = m["methodName"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        if (name is null || !MethodNameRule().IsMatch(name))
            return Fail(IotHubError.ArgumentInvalid, "methodName is required and may only hold 1 to 128 printable US-ASCII characters without separators.");

        var payload = m["payload"]?.ToJsonString();
        // 413 like an oversized job payload (CreateJob): the C# SDK maps 413 to MessageTooLargeException.
        if (payload is not null && System.Text.Encoding.UTF8.GetByteCount(payload) > MaxPayloadBytes)
            return Fail(IotHubError.RequestEntityTooLarge, $"The method payload is larger than {MaxPayloadBytes} bytes.");

        var (response, responseError) = Seconds(m["responseTimeoutInSeconds"], "responseTimeoutInSeconds", DefaultResponseTimeoutInSeconds, 5, MaxResponseTimeoutInSeconds);
        if (responseError is not null) return (null, responseError);
        var (connect, connectError) = Seconds(m["connectTimeoutInSeconds"], "connectTimeoutInSeconds", 0, 0, MaxConnectTimeoutInSeconds);
        if (connectError is not null) return (null, connectError);
        return (new DirectMethodRequest(name, payload, response, connect), null);
    }

    private static (int, IotHubRefusal?) Seconds(JsonNode? node, string field, int fallback, int min, int max)
    {
        // Like the SDKs (Node sends 30 for a falsy timeout), a missing, null or zero timeout means "use the default".
        if (node is null || node.GetValueKind() == JsonValueKind.Null) return (fallback, null);
        if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue(out int value))
            return (0, new IotHubRefusal(IotHubError.ArgumentInvalid, $"{field} must be a whole number of seconds."));
        if (value == 0) return (fallback, null);
        if (value < min || value > max)
            return (0, new IotHubRefusal(IotHubError.ArgumentInvalid, $"{field} must be from {min} to {max} seconds."));
        return (value, null);
    }

    private static (DirectMethodRequest?, IotHubRefusal?) Fail(IotHubError error, string message) => (null, new IotHubRefusal(error, message));
}
