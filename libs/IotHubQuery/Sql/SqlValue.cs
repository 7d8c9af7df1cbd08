namespace IotHubJobs.Query;

/// <summary>
/// SQL for a path's value: <paramref name="Json"/> as jsonb (SQL NULL when missing) and
/// <paramref name="Text"/> as text for string comparisons; <paramref name="Column"/> when it is a typed column.
/// </summary>
internal readonly record struct SqlValue(string Json, string Text, SourceField? Column, ResolvedPath Resolved)
{
    public static SqlValue Of(ResolvedPath resolved, SqlParameterList parameters)
    {
        if (resolved.Column is { } column)
        {
            return new SqlValue(column.JsonSql, column.Sql, column, resolved);
        }

        if (resolved.JsonSegments.Count == 0)
        {
            return new SqlValue($"({resolved.JsonSql})", $"({resolved.JsonSql} #>> '{{}}')", null, resolved);
        }

        var path = parameters.TextArray(resolved.JsonSegments);
        return new SqlValue($"({resolved.JsonSql} #> {path})", $"({resolved.JsonSql} #>> {path})", null, resolved);
    }

    public string TypeIs(string jsonType) => $"jsonb_typeof({Json}) = '{jsonType}'";
}
