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
            RejectDuplicateKeys(doc.RootElement);
            return (JsonNode.Parse(doc.RootElement.GetRawText(), Node), null);
        }
        catch (JsonException e)
        {
            return (null, IotHubErrorResponse.Result(IotHubError.IotHubFormatError, $"The request body is not valid JSON: {e.Message}"));
        }
        catch (DuplicateKeyException e)
        {
            return (null, IotHubErrorResponse.Result(IotHubError.IotHubFormatError, e.Message));
        }
    }

    private static void RejectDuplicateKeys(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in element.EnumerateObject())
            {
                if (!seen.Add(p.Name)) throw new DuplicateKeyException($"The request body repeats the property '{p.Name}'.");
                RejectDuplicateKeys(p.Value);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray()) RejectDuplicateKeys(item);
        }
    }

    private sealed class DuplicateKeyException(string message) : Exception(message);
}
