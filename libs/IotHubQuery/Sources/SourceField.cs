namespace IotHubJobs.Query;

/// <param name="Name">The canonical top-level field name in queries and items, e.g. <c>jobId</c>.</param>
/// <param name="Sql">Trusted SQL for the column, e.g. <c>job_id</c>.</param>
public sealed record SourceField(string Name, string Sql, FieldKind Kind)
{
    /// <summary>For a <see cref="FieldKind.Json"/> field: it has a <c>gin (… jsonb_path_ops)</c> index, so equality of a
    /// nested path uses <c>@&gt;</c>.</summary>
    public bool HasContainmentIndex { get; init; }

    /// <summary>SQL for the field's value as jsonb, as it appears in items.</summary>
    public string JsonSql => Kind switch
    {
        FieldKind.Text => $"to_jsonb({Sql})",
        // 7 fractional digits and Z, the way IoT Hub writes dates ("O" format in .NET).
        FieldKind.Timestamp => $"to_jsonb(to_char(({Sql}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"0Z\"'))",
        _ => Sql,
    };
}
