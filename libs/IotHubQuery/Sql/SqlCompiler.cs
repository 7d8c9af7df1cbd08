using IotHubJobs.Query.Ast;

namespace IotHubJobs.Query;

/// <summary>
/// Compiles parsed queries to PostgreSQL. All text from the query (values, path segments, names, counts) goes
/// into parameters; only trusted <see cref="QuerySource"/> snippets and fixed keywords appear in the SQL.
/// </summary>
public static class SqlCompiler
{
    public static CompiledQuery Compile(QueryStatement statement, QueryExclusion? exclusion = null)
    {
        var source = statement.From;
        var parameters = new SqlParameterList(1);
        var select = new SelectTranslator(source, parameters);
        var item = select.Item(statement);
        var where = new ConditionTranslator(source, parameters).WhenTrue(statement.Where);
        if (exclusion is { Values.Count: > 0 } && exclusion.Collection == source.Collection
            && source.FindField(exclusion.Field) is { Kind: FieldKind.Text } excluded)
            where = $"({where}) AND NOT ({excluded.Sql} = ANY({parameters.TextArray(exclusion.Values)}))";
        var groupBy = select.GroupBy(statement);

        var sql = $"SELECT {item} AS item FROM {source.Table} WHERE {where}";
        if (groupBy.Count > 0)
        {
            var keys = string.Join(", ", groupBy);
            sql += $" GROUP BY {keys} ORDER BY {keys}";
        }
        else if (!statement.IsAggregate)
        {
            sql += $" ORDER BY {source.OrderBySql}";
        }

        var kind = statement.SelectsAll ? source.SelectAllKind : QueryItemKind.Raw;
        return new CompiledQuery(kind, sql, parameters.Values, statement.Top);
    }

    /// <summary>A WHERE fragment for a job condition; placeholders start at <paramref name="firstParameterIndex"/>.</summary>
    public static SqlFragment CompileCondition(Condition condition, QuerySource source, int firstParameterIndex = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(firstParameterIndex, 1);
        var parameters = new SqlParameterList(firstParameterIndex);
        var where = new ConditionTranslator(source, parameters).WhenTrue(condition);
        return new SqlFragment($"({where})", parameters.Values, firstParameterIndex);
    }
}
