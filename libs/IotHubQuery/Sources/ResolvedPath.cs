namespace IotHubJobs.Query;

/// <summary>
/// Where a path lives in SQL: either a typed <paramref name="Column"/> (then the other members describe its
/// jsonb form) or <paramref name="JsonSegments"/> inside the jsonb expression <paramref name="JsonSql"/>.
/// </summary>
internal sealed record ResolvedPath(SourceField? Column, string JsonSql, IReadOnlyList<string> JsonSegments, bool HasContainmentIndex)
{
    public FieldKind? ColumnKind => Column?.Kind;
}
