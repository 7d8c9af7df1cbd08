using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace IotHubJobs.IotHubErrors;

/// <summary>An IoT Hub error: HTTP status, the ErrorCode name and its six-digit number.</summary>
public sealed record IotHubError(int Status, string Code, int Number)
{
    public static readonly IotHubError GenericBadRequest = new(400, "GenericBadRequest", 400000);
    public static readonly IotHubError InvalidProtocolVersion = new(400, "InvalidProtocolVersion", 400001);
    public static readonly IotHubError ArgumentInvalid = new(400, "ArgumentInvalid", 400004);
    public static readonly IotHubError ArgumentNull = new(400, "ArgumentNull", 400005);
    public static readonly IotHubError IotHubFormatError = new(400, "IotHubFormatError", 400006);
    public static readonly IotHubError DeviceDefinedMultipleTimes = new(400, "DeviceDefinedMultipleTimes", 400011);
    public static readonly IotHubError IotHubUnauthorizedAccess = new(401, "IotHubUnauthorizedAccess", 401002);
    /// <summary>No operation matches the method and path; the code follows IoT Hub's numbering (docs/iothub-api.md).</summary>
    public static readonly IotHubError GenericNotFound = new(404, "GenericNotFound", 404000);
    public static readonly IotHubError DeviceNotFound = new(404, "DeviceNotFound", 404001);
    public static readonly IotHubError JobNotFound = new(404, "JobNotFound", 404002);
    public static readonly IotHubError DeviceNotOnline = new(404, "DeviceNotOnline", 404103);
    /// <summary>Ours, not IoT Hub's (docs/events.md, "Webhooks"): no webhook subscription has this name.</summary>
    public static readonly IotHubError WebhookNotFound = new(404, "WebhookNotFound", 404900);
    public static readonly IotHubError DeviceAlreadyExists = new(409, "DeviceAlreadyExists", 409001);
    public static readonly IotHubError JobAlreadyExists = new(409, "JobAlreadyExists", 409104);
    public static readonly IotHubError PreconditionFailed = new(412, "PreconditionFailed", 412001);
    public static readonly IotHubError RequestEntityTooLarge = new(413, "MessageTooLarge", 413001);
    public static readonly IotHubError UnsupportedMediaType = new(415, "UnsupportedMediaType", 415000);
    public static readonly IotHubError ThrottlingException = new(429, "ThrottlingException", 429001);
    public static readonly IotHubError ServerError = new(500, "ServerError", 500001);
    public static readonly IotHubError ServiceUnavailable = new(503, "ServiceUnavailable", 503001);
    public static readonly IotHubError GatewayTimeout = new(504, "GatewayTimeout", 504101);
    /// <summary>Ours, not IoT Hub's (docs/reliability.md): a direct method's answer was lost in a fault, so nobody knows whether it ran.</summary>
    public static readonly IotHubError DeviceOperationOutcomeUnknown = new(504, "DeviceOperationOutcomeUnknown", 504102);
}

/// <summary>
/// Writes errors the way IoT Hub does (docs/iothub-api.md, "Errors"), so SDKs map them to their own exceptions.
/// </summary>
public static class IotHubErrorResponse
{
    public const string ErrorCodeHeader = "iothub-errorcode";

    /// <summary>Format A: <c>{"Message":"ErrorCode:Name;text","ExceptionMessage":"Tracking ID:..."}</c>.</summary>
    public static IResult Result(IotHubError error, string message) => new ErrorResult(error, Printable(message), JsonInString: false);

    /// <summary>Format A for a refusal that validation returned.</summary>
    public static IResult Result(IotHubRefusal refusal) => Result(refusal.Error, refusal.Message);

    /// <summary>Format B (direct-method failures): the message is itself a JSON object in a string.</summary>
    public static IResult DirectMethodResult(IotHubError error, string message, object? info = null) =>
        new ErrorResult(error, Printable(message), JsonInString: true, info);

    public static Task WriteAsync(HttpContext context, IotHubError error, string message) =>
        new ErrorResult(error, Printable(message), JsonInString: false).ExecuteAsync(context);

    /// <summary>
    /// Messages echo client input; control characters and unpaired surrogates are shown as U+XXXX, because a JSON
    /// writer refuses invalid UTF-16 and a raw control character would garble logs and the SDKs' error text.
    /// </summary>
    public static string Printable(string message)
    {
        var text = new System.Text.StringBuilder(message.Length);
        for (var i = 0; i < message.Length; i++)
        {
            var c = message[i];
            if (char.IsHighSurrogate(c) && i + 1 < message.Length && char.IsLowSurrogate(message[i + 1]))
                text.Append(c).Append(message[++i]);
            else if (char.IsSurrogate(c) || char.IsControl(c))
                text.Append($"U+{(int)c:X4}");
            else
                text.Append(c);
        }
        return text.ToString();
    }

    // Quotes and apostrophes stay readable in messages; the body is JSON, never HTML.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private sealed record ErrorResult(IotHubError Error, string Message, bool JsonInString, object? Info = null) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            var now = context.RequestServices.GetService(typeof(TimeProvider)) is TimeProvider clock
                ? clock.GetUtcNow() : DateTimeOffset.UtcNow;
            var trackingId = $"{context.TraceIdentifier.Replace(":", "")}-G:0-TimeStamp:{now:MM/dd/yyyy HH:mm:ss}";
            object body = JsonInString
                ? new
                {
                    Message = JsonSerializer.Serialize(new
                    {
                        errorCode = Error.Number, trackingId, message = Message, info = Info ?? new { },
                        timestampUtc = now.UtcDateTime.ToString("O"),
                    }, Relaxed),
                    ExceptionMessage = "",
                }
                : new { Message = $"ErrorCode:{Error.Code};{Message}", ExceptionMessage = $"Tracking ID:{trackingId}" };
            context.Response.StatusCode = Error.Status;
            context.Response.Headers[ErrorCodeHeader] = Error.Code;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(JsonSerializer.Serialize(body, Relaxed));
        }
    }
}
