using System.Text.Json.Nodes;

namespace IotHubJobs.DeviceTwins;

/// <summary>
/// What a change writes into <c>$metadata</c>: <c>$lastUpdated</c> always, and <c>$lastUpdatedVersion</c> (the section's
/// new <c>$version</c>) on desired properties only — reported metadata carries no version in real twins.
/// </summary>
public sealed record MetadataStamp(string LastUpdated, long? Version)
{
    public void WriteTo(JsonObject metadata)
    {
        metadata[TwinKeys.LastUpdated] = LastUpdated;
        if (Version is { } version) metadata[TwinKeys.LastUpdatedVersion] = version;
    }

    /// <summary>Metadata for a freshly written value: one entry, plus one per property for objects, at every level.</summary>
    public JsonObject For(JsonNode? value)
    {
        var metadata = new JsonObject();
        WriteTo(metadata);
        if (value is JsonObject obj)
            foreach (var (key, child) in obj)
                metadata[key] = For(child);
        return metadata;
    }
}
