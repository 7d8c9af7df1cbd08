namespace IotHubJobs.Query;

/// <param name="Name">The canonical top-level field name in queries and items, e.g. <c>jobId</c>.</param>
/// <param name="Sql">Trusted SQL for the column, e.g. <c>job_id</c>.</param>
public sealed record SourceField(string Name, string Sql, FieldKind Kind)
{
    /// <summary>SQL for the field's value as jsonb, as it appears in items.</summary>
    public string JsonSql => Kind switch
    {
        FieldKind.Text => $"to_jsonb({Sql})",
        // 7 fractional digits and Z, the way IoT Hub writes dates ("O" format in .NET).
        FieldKind.Timestamp => $"to_jsonb(to_char(({Sql}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"0Z\"'))",
        _ => Sql,
    };
}
