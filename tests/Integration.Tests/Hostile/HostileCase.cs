using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Integration.Tests.Hostile;

/// <summary>
/// One request of the hostile corpus (hostile-requests.json) and the IoT Hub answer it must get.
/// The body is a JSON literal (<see cref="Body"/>), raw text (<see cref="BodyText"/>, for malformed JSON) or raw bytes
/// (<see cref="BodyBase64"/>, for invalid UTF-8). <see cref="Fills"/> expand <c>{{name}}</c> in the text into a repeated
/// string, so megabyte bodies and deep nesting stay one line of data. <c>{device}</c> names a registered device whose
/// twin the corpus must not change, <c>{missing}</c> a device that does not exist. <see cref="ExpectContinue"/> sends
/// <c>Expect: 100-continue</c>, as a client uploading megabytes should: the gateway then refuses before the body is sent
/// (otherwise it closes the connection mid-upload, which the client sees as a send failure, not as the 413).
/// <see cref="ContentType"/> defaults to the SDKs' <c>application/json; charset=utf-8</c> (<c>none</c> sends none),
/// <see cref="Auth"/> names a defect of <see cref="SasDefects"/> (default: a valid token) for <see cref="Policy"/>
/// (default: iothubowner). An expected status 200 without an error code marks input that is plain data to a read-only query.
/// </summary>
public sealed record HostileCase(
    string Name,
    string Method,
    string Path,
    JsonNode? Body,
    string? BodyText,
    string? BodyBase64,
    Dictionary<string, HostileCase.Fill>? Fills,
    string? ContentType,
    Dictionary<string, string>? Headers,
    string? Auth,
    string? Policy,
    bool NoApiVersion,
    bool ExpectContinue,
    HostileCase.Expectation Expect)
{
    public sealed record Fill(string Repeat, int Count);

    /// <summary>
    /// <see cref="ErrorCode"/>: a format-A error. <see cref="BulkErrorCode"/>: a bulk import's per-device refusal,
    /// answered as <c>{"isSuccessful":false,"errors":[{"errorCode":...}]}</c> (docs/iothub-api.md, "Device registry").
    /// </summary>
    public sealed record Expectation(int Status, string? ErrorCode, string? BulkErrorCode);

    /// <summary>The category is the name up to its first '/', e.g. <c>sas/expired</c>.</summary>
    public string Category => Name.Split('/')[0];

    public override string ToString() => Name;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip };

    public static IReadOnlyList<HostileCase> Load()
    {
        var path = System.IO.Path.Combine(AppContext.BaseDirectory, "Hostile", "hostile-requests.json");
        return JsonSerializer.Deserialize<List<HostileCase>>(File.ReadAllText(path), Options)
               ?? throw new InvalidDataException($"{path} holds no cases");
    }

    public string RequestPath(string device, string missing)
    {
        var path = Path.Replace("{device}", device).Replace("{missing}", missing);
        if (NoApiVersion) return path;
        return path + (path.Contains('?') ? '&' : '?') + "api-version=" + Infrastructure.HubClient.ApiVersion;
    }

    public byte[]? RequestBody(string device, string missing)
    {
        if (BodyBase64 is not null) return Convert.FromBase64String(BodyBase64);
        var text = BodyText ?? Body?.ToJsonString();
        if (text is null) return null;
        text = text.Replace("{device}", device).Replace("{missing}", missing);
        foreach (var (name, fill) in Fills ?? [])
            text = text.Replace("{{" + name + "}}", string.Concat(Enumerable.Repeat(fill.Repeat, fill.Count)));
        return Encoding.UTF8.GetBytes(text);
    }
}
