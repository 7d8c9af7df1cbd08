using System.Text.Json.Nodes;

namespace IotHubJobs.Query.Evaluation;

/// <summary>Orders items by their key properties, the evaluator's mirror of the source's ORDER BY.</summary>
internal sealed class ItemKeyComparer(IReadOnlyList<string> keyProperties) : IComparer<JsonNode>
{
    public int Compare(JsonNode? x, JsonNode? y)
    {
        foreach (var key in keyProperties)
        {
            var order = CodePointComparer.Instance.Compare(KeyText(x, key), KeyText(y, key));
            if (order != 0)
            {
                return order;
            }
        }

        return 0;
    }

    private static string? KeyText(JsonNode? item, string key) =>
        item is JsonObject obj && obj.TryGetPropertyValue(key, out var value) && value is JsonValue v && v.TryGetValue<string>(out var text)
            ? text
            : null;
}
