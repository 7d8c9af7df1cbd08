using IotHubJobs.Query.Ast;

namespace IotHubJobs.Query;

/// <summary>Builds the jsonb <c>item</c> expression and the GROUP BY / ORDER BY lists of a statement.</summary>
internal sealed class SelectTranslator(QuerySource source, SqlParameterList parameters)
{
    public string Item(QueryStatement statement)
    {
        if (statement.SelectsAll)
        {
            return source.SelectAllItemSql;
        }

        var pieces = statement.Select.Select(item => item switch
        {
            PropertySelection property => Property(property),
            AggregateSelection aggregate => Aggregate(aggregate),
            _ => throw new ArgumentException("unknown select item"),
        }).ToList();
        return "('{}'::jsonb || " + Concatenated(pieces, 0, pieces.Count) + ")";
    }

    /// <summary>
    /// <c>(a || b) || (c || d)</c> rather than <c>a || b || c || d</c>: PostgreSQL nests a chain of operators as deep as it
    /// is long and recurses over it, while a SELECT list can hold a thousand items; balanced, the depth is ten.
    /// Merging objects with distinct keys is associative, so the result is the same.
    /// </summary>
    private static string Concatenated(List<string> pieces, int start, int count)
    {
        if (count == 1)
        {
            return pieces[start];
        }

        var half = count / 2;
        return $"({Concatenated(pieces, start, half)} || {Concatenated(pieces, start + half, count - half)})";
    }

    public IReadOnlyList<string> GroupBy(QueryStatement statement) =>
        statement.GroupBy.Select(path => Value(path).Json).ToList();

    /// <summary>Leaves the property out when the path is missing, keeps it when the value is JSON null.</summary>
    private string Property(PropertySelection property)
    {
        var value = Value(property.Path).Json;
        return $"(CASE WHEN {value} IS NULL THEN '{{}}'::jsonb ELSE jsonb_build_object({parameters.Text(property.Name)}, {value}) END)";
    }

    private string Aggregate(AggregateSelection aggregate)
    {
        var name = parameters.Text(aggregate.Name);
        if (aggregate.Function == AggregateFunction.Count)
        {
            var counted = aggregate.Argument is null ? "*" : Value(aggregate.Argument).Json;
            return $"jsonb_build_object({name}, count({counted}))";
        }

        var json = Value(aggregate.Argument!).Json;
        var number = $"(CASE WHEN jsonb_typeof({json}) = 'number' THEN {json}::numeric END)";
        var result = aggregate.Function switch
        {
            AggregateFunction.Sum => $"coalesce(sum({number}), 0)",
            AggregateFunction.Avg => $"trim_scale(avg({number}))",
            AggregateFunction.Min => $"min({number})",
            _ => $"max({number})",
        };

        // The value is a number or NULL (no numbers at all), so stripping nulls only drops a missing result.
        return $"jsonb_strip_nulls(jsonb_build_object({name}, {result}))";
    }

    private SqlValue Value(PropertyPath path) => SqlValue.Of(source.Resolve(path), parameters);
}
