namespace IotHubJobs.Query;

/// <summary>
/// The bounds every query and job condition is held to before anything is compiled or evaluated, so that no text
/// can exhaust the stack or the CPU of the parser, the SQL compiler or the evaluator. A query over a limit is refused
/// with a <see cref="QueryException"/> naming the position where the limit was crossed. docs/iothub-api.md
/// ("Query limits") lists every input that grows work and the bound that holds it.
/// </summary>
public static class QueryLimits
{
    /// <summary>IoT Hub's own documented maximum (docs/iothub-api.md); it bounds every other size below.</summary>
    public const int MaxQueryLength = 8192;

    /// <summary>
    /// Segments of one property path. The deepest path a stored twin can hold has 13 (twin sections are at most 10 levels
    /// deep, libs/DeviceTwins/TwinLimits.cs: <c>properties.reported.$metadata.</c> + 9 levels + <c>$lastUpdated</c>), so
    /// a longer path never matches anything.
    /// </summary>
    public const int MaxPathSegments = 32;

    /// <summary>
    /// Open parentheses and NOTs a condition may nest inside each other. The parser recurses once per level, and so do
    /// the compiler and the evaluator over the tree it builds; chains of AND and OR do not count, as they are built flat
    /// (balanced), not nested.
    /// </summary>
    public const int MaxNestingDepth = 32;
}
