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
                // Nodes built from CLR values (a DateTime, a Guid) are strings in JSON but not string-backed.
                return new Value(ValueKind.String, Text: value.TryGetValue<string>(out var text) ? text : JsonSerializer.Deserialize<string>(value.ToJsonString()));
            case JsonValueKind.True:
                return new Value(ValueKind.Boolean, Boolean: true);
            case JsonValueKind.False:
                return new Value(ValueKind.Boolean, Boolean: false);
            case JsonValueKind.Number:
                if (value.TryGetValue<decimal>(out var number))
                {
                    return Of(number);
                }

                var json = value.ToJsonString();
                var huge = json.StartsWith('-') ? double.NegativeInfinity : double.PositiveInfinity;
                return new Value(ValueKind.Number, Double: double.TryParse(json, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : huge);
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
