using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace JobsApi.Http;

/// <summary>IoT Hub's JSON conventions: UTC timestamps with seven fractional digits, the max date for "not yet".</summary>
public static class IotHubJson
{
    public const string MaxDate = "9999-12-31T23:59:59.9999999Z";
    public const string NeverDate = "0001-01-01T00:00:00Z";
    public const string ContentType = "application/json; charset=utf-8";

    public static string Date(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static string Date(DateTimeOffset? value) => value is { } v ? Date(v) : MaxDate;

    public static JsonNode? ParseOrNull(string? json) => json is null ? null : JsonNode.Parse(json);

    public static IResult Ok(JsonNode body) => Results.Text(body.ToJsonString(), ContentType, statusCode: 200);

    public static IResult Ok<T>(T body, JsonSerializerOptions? options = null) =>
        Results.Text(JsonSerializer.Serialize(body, options ?? Web), ContentType, statusCode: 200);

    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
}
