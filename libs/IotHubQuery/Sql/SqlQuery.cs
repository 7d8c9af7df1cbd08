namespace IotHubJobs.Query;

/// <summary>SQL with Npgsql positional placeholders <c>$1, $2, …</c>, each with an explicit cast.</summary>
public sealed record SqlQuery(string Sql, IReadOnlyList<object?> Parameters);
