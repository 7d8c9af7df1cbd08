namespace IotHubJobs.Query;

/// <summary>How a typed column compares and serialises.</summary>
public enum FieldKind
{
    /// <summary>A text column; SQL NULL is JSON null.</summary>
    Text,

    /// <summary>A timestamptz column; compared chronologically with date strings, serialised as ISO-8601 UTC.</summary>
    Timestamp,

    /// <summary>A jsonb expression (never SQL NULL); nested paths resolve inside it.</summary>
    Json,
}
