using System.Text.Json.Nodes;

namespace JobsApi.Http;

/// <summary>If-Match handling: clients send the etag quoted (Node, C#) or bare (old Node); <c>*</c> matches anything.</summary>
public static class ETags
{
    public static string? IfMatch(HttpRequest request)
    {
        var value = request.Headers.IfMatch.ToString();
        return string.IsNullOrWhiteSpace(value) ? null : Unquote(value.Trim());
    }

    public static bool Matches(string ifMatch, string? current) => ifMatch == "*" || ifMatch == current;

    public static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;

    /// <summary>200 with the document and its etag also in the ETag header (the C# SDK reads it from there).</summary>
    public static IResult Ok(JsonObject document) => new WithETag(document);

    private sealed record WithETag(JsonObject Document) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            if ((string?)Document["etag"] is { } etag) context.Response.Headers.ETag = $"\"{etag}\"";
            return IotHubJson.Ok(Document).ExecuteAsync(context);
        }
    }
}
