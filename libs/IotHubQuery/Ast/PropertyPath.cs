namespace IotHubJobs.Query.Ast;

/// <summary>A canonical property path, e.g. ["tags", "building"]; segments may contain any character.</summary>
public sealed record PropertyPath(IReadOnlyList<string> Segments, int Position) : Operand(Position)
{
    public string LastSegment => Segments[^1];

    public bool SameAs(PropertyPath other) => Segments.SequenceEqual(other.Segments, StringComparer.Ordinal);

    public override string ToString() => string.Join('.', Segments.Select(s => s.Contains('.') || s.Contains(' ') ? $"[[{s}]]" : s));
}
