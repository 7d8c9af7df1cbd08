using System.Text.Json;
using System.Text.Json.Nodes;

namespace IotHubJobs.Cli.Commands;

/// <summary>JSON given on the command line (<c>--method-payload '{"a":1}'</c>), or read from a file with <c>@file.json</c>.</summary>
public static class JsonInput
{
    public static JsonNode? Parse(string option, string? text)
    {
        if (text is null) return null;
        if (text.StartsWith('@'))
        {
            var path = text[1..];
            if (!File.Exists(path)) throw new UsageException($"{option}: the file '{path}' does not exist");
            text = File.ReadAllText(path);
        }
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new UsageException($"{option} is not valid JSON: {e.Message}");
        }
    }

    public static JsonObject Object(string option, string? text) =>
        Parse(option, text) switch
        {
            JsonObject o => o,
            null => [],
            _ => throw new UsageException($"{option} must be a JSON object"),
        };
}
