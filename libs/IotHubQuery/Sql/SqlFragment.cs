namespace IotHubJobs.Query;

/// <summary>
/// A parenthesised boolean SQL expression for a caller's own WHERE clause; its placeholders are numbered from
/// <paramref name="FirstParameterIndex"/> so the caller can put its own parameters before or after them.
/// </summary>
public sealed record SqlFragment(string WhereSql, IReadOnlyList<object?> Parameters, int FirstParameterIndex)
{
    /// <summary>The first placeholder number the caller can use after this fragment's parameters.</summary>
    public int NextParameterIndex => FirstParameterIndex + Parameters.Count;
}
