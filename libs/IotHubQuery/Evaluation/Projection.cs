using System.Text.Json.Nodes;
using IotHubJobs.Query.Ast;

namespace IotHubJobs.Query.Evaluation;

/// <summary>Builds result items for projections and GROUP BY in the evaluator.</summary>
internal static class Projection
{
    public static JsonNode Project(IReadOnlyList<SelectItem> select, JsonNode item)
    {
        var result = new JsonObject();
        foreach (var selection in select.OfType<PropertySelection>())
        {
            if (TryRead(item, selection.Path, out var node))
            {
                result[selection.Name] = node?.DeepClone();
            }
        }

        return result;
    }

    public static IEnumerable<JsonNode> Group(QueryStatement statement, IReadOnlyList<JsonNode> items)
    {
        // Without GROUP BY an aggregate query has exactly one group, even when nothing matched (COUNT() = 0).
        var groups = statement.GroupBy.Count == 0
            ? [new GroupOfItems([], items.FirstOrDefault(), items.ToList())]
            : items
                .GroupBy(item => GroupKeyText(statement.GroupBy, item))
                .Select(g => new GroupOfItems(statement.GroupBy.Select(p => GroupValue(g.First(), p)).ToList(), g.First(), g.ToList()))
                .OrderBy(g => g.Key, GroupKeyComparer.Instance)
                .ToList();

        foreach (var group in groups)
        {
            var result = new JsonObject();
            foreach (var selection in statement.Select)
            {
                var value = selection switch
                {
                    AggregateSelection aggregate => Aggregate(aggregate, group.Items),
                    PropertySelection property when group.Sample is not null && TryRead(group.Sample, property.Path, out var node) => new Present(node?.DeepClone()),
                    _ => null,
                };
                if (value is { } present)
                {
                    result[selection.Name] = present.Node;
                }
            }

            yield return result;
        }
    }

    private static Present? Aggregate(AggregateSelection aggregate, IReadOnlyList<JsonNode> items)
    {
        if (aggregate.Function == AggregateFunction.Count)
        {
            var count = aggregate.Argument is null
                ? items.Count
                : items.Count(i => Evaluator.Read(i, aggregate.Argument.Segments).Kind != ValueKind.Undefined);
            return new Present(JsonValue.Create((long)count));
        }

        var numbers = items
            .Select(i => Evaluator.Read(i, aggregate.Argument!.Segments))
            .Where(v => v.Kind == ValueKind.Number && v.Decimal.HasValue)
            .Select(v => v.Decimal!.Value)
            .ToList();

        if (aggregate.Function == AggregateFunction.Sum)
        {
            return new Present(JsonValue.Create(numbers.Sum()));
        }

        if (numbers.Count == 0)
        {
            return null;
        }

        return new Present(JsonValue.Create(aggregate.Function switch
        {
            AggregateFunction.Avg => numbers.Average(),
            AggregateFunction.Min => numbers.Min(),
            _ => numbers.Max(),
        }));
    }

    private static bool TryRead(JsonNode item, PropertyPath path, out JsonNode? node)
    {
        node = item;
        foreach (var segment in path.Segments)
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(segment, out node))
            {
                node = null;
                return false;
            }
        }

        return true;
    }

    private static Value GroupValue(JsonNode item, PropertyPath path)
    {
        var value = Evaluator.Read(item, path.Segments);
        return value.Kind is ValueKind.Array or ValueKind.Object && TryRead(item, path, out var node)
            ? value with { Text = node!.ToJsonString() }
            : value;
    }

    /// <summary>Groups equal values together the way jsonb equality does (1 and 1.0 are one group).</summary>
    private static string GroupKeyText(IReadOnlyList<PropertyPath> groupBy, JsonNode item) =>
        string.Join('\u0001', groupBy.Select(path =>
        {
            var value = GroupValue(item, path);
            return value.Kind switch
            {
                ValueKind.Number => "n" + (value.Decimal is { } d ? (d / 1.0000000000000000000000000000m).ToString(System.Globalization.CultureInfo.InvariantCulture) : value.Double.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
                ValueKind.String => "s" + value.Text,
                ValueKind.Boolean => "b" + value.Boolean,
                _ => value.Kind + (value.Text ?? ""),
            };
        }));

    private sealed record GroupOfItems(IReadOnlyList<Value> Key, JsonNode? Sample, IReadOnlyList<JsonNode> Items);

    private readonly record struct Present(JsonNode? Node);
}
