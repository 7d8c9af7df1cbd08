using System.Text.Json;
using System.Text.Json.Nodes;
using IotHubJobs.Query.Ast;

namespace IotHubJobs.Query.Evaluation;

/// <summary>A value as the query language sees it. Numbers keep a decimal when they fit, else a double.</summary>
internal readonly record struct Value(ValueKind Kind, string? Text = null, decimal? Decimal = null, double Double = 0, bool Boolean = false, DateTimeOffset Timestamp = default)
{
    public static Value Undefined { get; } = new(ValueKind.Undefined);

    public static Value Null { get; } = new(ValueKind.Null);

    public bool IsPrimitive => Kind is ValueKind.Null or ValueKind.String or ValueKind.Number or ValueKind.Boolean or ValueKind.Timestamp;

    public static Value Of(decimal number) => new(ValueKind.Number, Decimal: number, Double: (double)number);

    public static Value FromNode(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return Null;
            case JsonObject:
                return new Value(ValueKind.Object);
            case JsonArray:
                return new Value(ValueKind.Array);
        }

        var value = node.AsValue();
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return new Value(ValueKind.String, Text: value.GetValue<string>());
            case JsonValueKind.True:
                return new Value(ValueKind.Boolean, Boolean: true);
            case JsonValueKind.False:
                return new Value(ValueKind.Boolean, Boolean: false);
            case JsonValueKind.Number:
                return value.TryGetValue<decimal>(out var number)
                    ? Of(number)
                    : new Value(ValueKind.Number, Double: value.GetValue<double>());
            default:
                return Null;
        }
    }

    public static Value FromLiteral(Literal literal) => literal switch
    {
        StringLiteral s => new Value(ValueKind.String, Text: s.Value),
        NumberLiteral n => Of(n.Value),
        BooleanLiteral b => new Value(ValueKind.Boolean, Boolean: b.Value),
        NullLiteral => Null,
        _ => Undefined,
    };
}
