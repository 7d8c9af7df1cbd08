using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace JobsApi.Http;

/// <summary>
/// IoT Hub's JSON conventions: UTC timestamps with seven fractional digits, the max date for "not yet", and text written
/// readably — only what JSON itself requires is escaped (quotes, backslashes, control characters), so a query condition
/// reads <c>tags.building = '43'</c>, not <c>tags.building = \u002743\u0027</c>. Escaping <c>'</c>, <c>&lt;</c> or
/// <c>&amp;</c> only matters when JSON is pasted into HTML; these bodies are only ever served as
/// <see cref="ContentType"/> with <c>X-Content-Type-Options: nosniff</c> (gateway/Http/ResponseHeaders.cs).
/// </summary>
public static class IotHubJson
{
    public const string MaxDate = "9999-12-31T23:59:59.9999999Z";
    public const string NeverDate = "0001-01-01T00:00:00Z";
    public const string ContentType = "application/json; charset=utf-8";

    public static string Date(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static string Date(DateTimeOffset? value) => value is { } v ? Date(v) : MaxDate;

    public static JsonNode? ParseOrNull(string? json) => json is null ? null : JsonNode.Parse(json);

    public static IResult Ok(JsonNode body) => Results.Text(Text(body), ContentType, statusCode: 200);

    public static IResult Ok<T>(T body, JsonSerializerOptions? options = null) =>
        Results.Text(JsonSerializer.Serialize(body, options ?? Web), ContentType, statusCode: 200);

    /// <summary>The body text of a JSON document, escaped the way IoT Hub escapes it.</summary>
    public static string Text(JsonNode body) => body.ToJsonString(Readable);

    public static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
