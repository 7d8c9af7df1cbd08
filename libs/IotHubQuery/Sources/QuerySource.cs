using IotHubJobs.Query.Ast;

namespace IotHubJobs.Query;

/// <summary>
/// A queryable collection and the table behind it. Supplied by the caller and trusted: its SQL snippets are
/// copied into the generated SQL as they are, while everything from the query text goes into parameters.
/// </summary>
public sealed class QuerySource
{
    /// <summary>The collection name after FROM, e.g. <c>devices.jobs</c>.</summary>
    public required string Collection { get; init; }

    /// <summary>The table, e.g. <c>registry.devices</c>.</summary>
    public required string Table { get; init; }

    /// <summary>The jsonb document that paths not in <see cref="Fields"/> resolve into; null = only fields.</summary>
    public string? Document { get; init; }

    /// <summary>Top-level fields stored in their own columns (they win over <see cref="Document"/>).</summary>
    public IReadOnlyList<SourceField> Fields { get; init; } = [];

    /// <summary>Dotted names matched case-insensitively and rewritten to this spelling (<c>DeviceId</c> → <c>deviceId</c>).</summary>
    public IReadOnlyList<string> CanonicalNames { get; init; } = [];

    /// <summary>Other accepted spellings of a canonical dotted name (<c>createdTimeUtc</c> → <c>createdDateTimeUtc</c>).</summary>
    public IReadOnlyDictionary<string, string> NameAliases { get; init; } = new Dictionary<string, string>();

    /// <summary>Segments a path may start with that are dropped (<c>devices.jobs.jobId</c> → <c>jobId</c>).</summary>
    public IReadOnlyList<string> PathPrefix { get; init; } = [];

    /// <summary>SQL for the whole item of <c>SELECT *</c>; by default a jsonb object of all <see cref="Fields"/>.</summary>
    public string? SelectAllSql { get; init; }

    public required QueryItemKind SelectAllKind { get; init; }

    /// <summary>Trusted SQL ORDER BY list of the unique key, for stable paging.</summary>
    public required string OrderBySql { get; init; }

    /// <summary>The item properties that form the key, in <see cref="OrderBySql"/> order (for the evaluator).</summary>
    public required IReadOnlyList<string> KeyProperties { get; init; }

    /// <summary>False when only <c>SELECT *</c> is allowed (no projections, aggregates or GROUP BY).</summary>
    public bool AllowsProjections { get; init; } = true;

    /// <summary>The <c>SELECT *</c> item SQL.</summary>
    public string SelectAllItemSql =>
        SelectAllSql ?? "jsonb_build_object(" + string.Join(", ", Fields.Select(f => $"'{f.Name}', {f.JsonSql}")) + ")";

    public SourceField? FindField(string name) => Fields.FirstOrDefault(f => f.Name == name);

    /// <summary>Drops the collection prefix, canonicalises known names and checks the path exists here.</summary>
    internal PropertyPath Canonicalize(IReadOnlyList<string> rawSegments, int position)
    {
        var segments = rawSegments.ToList();
        if (segments.Count > PathPrefix.Count
            && PathPrefix.Select((p, i) => string.Equals(p, segments[i], StringComparison.OrdinalIgnoreCase)).All(x => x)
            && PathPrefix.Count > 0)
        {
            segments.RemoveRange(0, PathPrefix.Count);
        }

        for (var depth = 1; depth <= segments.Count; depth++)
        {
            var dotted = string.Join('.', segments.Take(depth));
            var canonical = FindCanonicalName(dotted);
            var canonicalSegments = canonical?.Split('.');
            if (canonicalSegments is null || canonicalSegments.Length != depth)
            {
                break;
            }

            segments[depth - 1] = canonicalSegments[depth - 1];
        }

        var path = new PropertyPath(segments, position);
        Resolve(path);
        return path;
    }

    private string? FindCanonicalName(string dotted)
    {
        foreach (var name in CanonicalNames)
        {
            if (string.Equals(name, dotted, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }
        }

        foreach (var (alias, name) in NameAliases)
        {
            if (string.Equals(alias, dotted, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }
        }

        return null;
    }

    internal ResolvedPath Resolve(PropertyPath path)
    {
        var field = FindField(path.Segments[0]);
        if (field is { Kind: FieldKind.Json })
        {
            return new ResolvedPath(null, field.Sql, path.Segments.Skip(1).ToArray(), field.HasContainmentIndex);
        }

        if (field is not null && path.Segments.Count == 1)
        {
            return new ResolvedPath(field, field.JsonSql, [], false);
        }

        if (Document is not null)
        {
            return new ResolvedPath(null, Document, path.Segments, false);
        }

        if (field is not null)
        {
            throw QueryException.Invalid(path.Position, $"'{field.Name}' has no nested properties in {Collection}");
        }

        throw QueryException.Invalid(
            path.Position,
            $"{Collection} has no property '{path}'; use one of {string.Join(", ", Fields.Select(f => f.Name))}");
    }
}
