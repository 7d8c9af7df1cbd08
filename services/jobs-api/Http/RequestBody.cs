using IotHubJobs.IotHubErrors;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using IotHubJobs.ServiceDefaults;

namespace JobsApi.Http;

/// <summary>
/// Reads a JSON request body, turning every malformed input into IoT Hub's 4xx instead of an exception: a declared
/// content type that is not JSON (415), bytes that are not UTF-8 or not JSON, repeated keys (400 IotHubFormatError),
/// and text PostgreSQL cannot store, U+0000 or an escaped unpaired surrogate (400 ArgumentInvalid).
/// </summary>
public static class RequestBody
{
    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 64 };
    private static readonly JsonNodeOptions Node = new() { PropertyNameCaseInsensitive = false };

    public static async Task<(JsonNode? Body, IotHubRefusal? Refusal)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentType is { } contentType && !IsJson(contentType))
            return (null, new IotHubRefusal(IotHubError.UnsupportedMediaType,
                $"The content type '{ClientText.Shorten(contentType, 100, marker: "")}' is not supported; send application/json."));
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        // JsonDocument only notices invalid UTF-8 when a string is read, and would report it as a surrogate problem.
        if (!Utf8.IsValid(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)))
            return (null, new IotHubRefusal(IotHubError.IotHubFormatError, "The request body is not valid UTF-8."));
        buffer.Position = 0;
        try
        {
            using var doc = await JsonDocument.ParseAsync(buffer, Strict, ct);
            Check(doc.RootElement);
            return (JsonNode.Parse(doc.RootElement.GetRawText(), Node), null);
        }
        catch (JsonException e)
        {
            return (null, new IotHubRefusal(IotHubError.IotHubFormatError, $"The request body is not valid JSON: {e.Message}"));
        }
        catch (InvalidBodyException e)
        {
            return (null, new IotHubRefusal(e.Error, e.Message));
        }
    }

    /// <summary>
    /// The SDKs send <c>application/json; charset=utf-8</c>; <c>text/json</c> and <c>application/…+json</c> types (such
    /// as <c>application/merge-patch+json</c>) are JSON too. A suffix does not make any other type JSON:
    /// <c>text/plain+json</c> is refused like <c>text/plain</c>. A request without a content type is read as JSON, as
    /// hand-written clients often omit it.
    /// </summary>
    private static bool IsJson(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType is { } type
        && (type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
                && type.Length > "application/+json".Length));

    /// <summary>Refuses repeated keys and strings PostgreSQL cannot store (U+0000, escaped unpaired surrogates), anywhere in the body.</summary>
    private static void Check(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in element.EnumerateObject())
            {
                var name = Readable(() => p.Name);
                if (!seen.Add(name)) throw new InvalidBodyException(IotHubError.IotHubFormatError, $"The request body repeats the property '{name}'.");
                Check(p.Value);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray()) Check(item);
        }
        else if (element.ValueKind == JsonValueKind.String)
        {
            Readable(element.GetString);
        }
    }

    private static string Readable(Func<string?> read)
    {
        string text;
        try
        {
            text = read() ?? "";
        }
        catch (InvalidOperationException)
        {
            throw new InvalidBodyException(IotHubError.ArgumentInvalid,
                "The request body holds a string with an unpaired surrogate (U+D800 to U+DFFF); strings cannot contain U+0000 or unpaired surrogates.");
        }
        if (text.Contains('\0'))
            throw new InvalidBodyException(IotHubError.ArgumentInvalid,
                "The request body holds a string with U+0000; strings cannot contain U+0000 or unpaired surrogates.");
        return text;
    }

    private sealed class InvalidBodyException(IotHubError error, string message) : Exception(message)
    {
        public IotHubError Error { get; } = error;
    }
}
