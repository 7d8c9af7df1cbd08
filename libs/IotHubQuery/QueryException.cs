namespace IotHubJobs.Query;

/// <summary>A query that cannot be parsed or compiled. <see cref="Position"/> is 1-based.</summary>
public sealed class QueryException : Exception
{
    public QueryException(string kind, int position, string problem)
        : base($"{kind} at position {position}: {problem}")
    {
        Position = position;
        Problem = problem;
    }

    public int Position { get; }

    /// <summary>The message without the "Syntax error at position n:" prefix.</summary>
    public string Problem { get; }

    internal static QueryException Syntax(int position, string problem) => new("Syntax error", position, problem);

    internal static QueryException Invalid(int position, string problem) => new("Invalid query", position, problem);
}
