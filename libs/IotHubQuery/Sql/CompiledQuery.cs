namespace IotHubJobs.Query;

/// <summary>
/// A compiled statement: SQL returning one <c>item jsonb</c> column per row in a stable order, and the item
/// kind for <c>x-ms-item-type</c>. Paging is by offset; <see cref="QueryContinuation"/> carries it opaquely.
/// </summary>
public sealed class CompiledQuery
{
    internal CompiledQuery(QueryItemKind itemKind, string sql, IReadOnlyList<object?> parameters, long? top)
    {
        ItemKind = itemKind;
        Sql = sql;
        Parameters = parameters;
        Top = top;
    }

    public QueryItemKind ItemKind { get; }

    /// <summary>The whole result without paging (TOP is applied only by <see cref="PageSql"/>).</summary>
    public string Sql { get; }

    public IReadOnlyList<object?> Parameters { get; }

    public long? Top { get; }

    /// <summary>
    /// SQL for one page: at most <paramref name="pageSize"/> + 1 rows; the extra row only tells that another page
    /// exists (pass the row count to <see cref="NextContinuation"/> and do not return that row).
    /// </summary>
    public SqlQuery PageSql(int pageSize, QueryContinuation? continuation = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var offset = continuation?.Offset ?? 0;
        var limit = (long)pageSize + 1;
        if (Top is { } top)
        {
            limit = Math.Max(0, Math.Min(limit, top - offset));
        }

        var parameters = Parameters.ToList();
        parameters.Add(limit);
        parameters.Add(offset);
        var sql = $"{Sql} LIMIT ${parameters.Count - 1}::bigint OFFSET ${parameters.Count}::bigint";
        return new SqlQuery(sql, parameters);
    }

    /// <summary>The continuation for the page after this one, or null when this was the last page.</summary>
    public QueryContinuation? NextContinuation(int pageSize, QueryContinuation? continuation, int rowsFetched) =>
        rowsFetched > pageSize ? new QueryContinuation((continuation?.Offset ?? 0) + pageSize) : null;
}
