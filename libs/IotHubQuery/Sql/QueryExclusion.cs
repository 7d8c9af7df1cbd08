namespace IotHubJobs.Query;

/// <summary>
/// Items the caller hides whatever the query asks: those of <paramref name="Collection"/> whose top-level text field
/// <paramref name="Field"/> is one of <paramref name="Values"/> (e.g. the device jobs of jobs past their retention).
/// The values travel as one parameter.
/// </summary>
public sealed record QueryExclusion(string Collection, string Field, IReadOnlyList<string> Values);
