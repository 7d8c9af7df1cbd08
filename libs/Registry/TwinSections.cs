namespace IotHubJobs.Registry;

/// <summary>
/// The parts of a twin that a batch edit reads and writes back (<see cref="TwinStore"/>): each a path of one or two keys,
/// such as <c>tags</c> or <c>properties.reported</c>. An edit that touches only some sections then moves only those
/// between PostgreSQL and the service — a device's report about 200 bytes instead of its whole twin (docs/benchmarks.md,
/// "Tags alone indexed; only the sections an edit touches"). <see cref="Whole"/> reads and writes the whole twin. A change cannot remove a
/// section: one it leaves out is kept as stored.
/// </summary>
public sealed class TwinSections
{
    /// <summary>The whole twin, as a write that answers with it needs.</summary>
    public static readonly TwinSections Whole = new([]);

    /// <summary>What a service-side PATCH changes (docs/iothub-api.md, "Device twins"): tags, desired properties, the twin's version and etag.</summary>
    public static readonly TwinSections ServiceWritable = new([["tags"], ["version"], ["etag"], ["properties", "desired"]]);

    /// <summary>What a device's report changes: its reported properties.</summary>
    public static readonly TwinSections Reported = new([["properties", "reported"]]);

    private TwinSections(string[][] paths)
    {
        if (paths.Any(p => p.Length is < 1 or > 2)) throw new ArgumentException("A twin section is one or two keys deep.", nameof(paths));
        // TwinStore writes the keys into its SQL as they are: letters only.
        if (paths.SelectMany(p => p).Any(key => key.Length == 0 || !key.All(char.IsAsciiLetterLower)))
            throw new ArgumentException("A twin section's keys are lower-case letters.", nameof(paths));
        // A section inside another would be written twice.
        if (paths.Any(p => paths.Any(q => q.Length < p.Length && p.Take(q.Length).SequenceEqual(q))))
            throw new ArgumentException("A twin section cannot lie inside another.", nameof(paths));
        Paths = paths;
    }

    /// <summary>Empty for <see cref="Whole"/>.</summary>
    internal IReadOnlyList<string[]> Paths { get; }

    public bool IsWhole => Paths.Count == 0;

    /// <summary>These sections and those of <paramref name="other"/>.</summary>
    public TwinSections With(TwinSections other) =>
        IsWhole || other.IsWhole ? Whole : new([.. Paths, .. other.Paths.Where(p => !Paths.Any(q => q.SequenceEqual(p)))]);
}
