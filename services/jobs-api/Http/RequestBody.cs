using System.Text.Json;
using System.Text.Json.Nodes;
using IotHubJobs.ServiceDefaults;

namespace JobsApi.Http;

/// <summary>Reads a JSON request body, turning every malformed input into IoT Hub's 400 instead of an exception.</summary>
public static class RequestBody
{
    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 64 };
    private static readonly JsonNodeOptions Node = new() { PropertyNameCaseInsensitive = false };

    public static async Task<(JsonNode? Body, IResult? Error)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body, Strict, ct);
            Check(doc.RootElement);
            return (JsonNode.Parse(doc.RootElement.GetRawText(), Node), null);
        }
        catch (JsonException e)
        {
            return (null, IotHubErrorResponse.Result(IotHubError.IotHubFormatError, $"The request body is not valid JSON: {e.Message}"));
        }
        catch (InvalidBodyException e)
        {
            return (null, IotHubErrorResponse.Result(e.Error, e.Message));
        }
    }

    /// <summary>Refuses repeated keys and strings .NET cannot read (escaped unpaired surrogates), anywhere in the body.</summary>
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
        try
        {
            return read() ?? "";
        }
        catch (InvalidOperationException)
        {
            throw new InvalidBodyException(IotHubError.ArgumentInvalid,
                "The request body holds a string with an unpaired surrogate (U+D800 to U+DFFF); strings cannot contain U+0000 or unpaired surrogates.");
        }
    }

    private sealed class InvalidBodyException(IotHubError error, string message) : Exception(message)
    {
        public IotHubError Error { get; } = error;
    }
}
