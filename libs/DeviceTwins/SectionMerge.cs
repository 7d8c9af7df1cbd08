using System.Text.Json.Nodes;

namespace IotHubJobs.DeviceTwins;

/// <summary>
/// JSON merge of a patch into one twin section, keeping <c>$metadata</c> in step (RFC 7396 semantics): objects merge
/// recursively, <c>null</c> deletes a key, anything else (including arrays) replaces the value. In replace mode keys
/// missing from the patch are deleted at every level. A value set to what it already was is not a change.
/// </summary>
internal static class SectionMerge
{
    /// <summary>Applies <paramref name="patch"/> to <paramref name="target"/>; <paramref name="metadata"/> is null for tags,
    /// which carry none. Returns true when any value changed.</summary>
    public static bool Apply(JsonObject target, JsonObject? metadata, JsonObject patch, bool replace, MetadataStamp stamp)
    {
        var changed = false;
        if (replace)
        {
            foreach (var key in target.Select(p => p.Key).Where(k => !TwinKeys.IsSystem(k) && !patch.ContainsKey(k)).ToList())
                changed |= Remove(target, metadata, key);
        }
        foreach (var (key, value) in patch)
        {
            if (TwinKeys.IsSystem(key)) continue;
            if (value is null)
            {
                changed |= Remove(target, metadata, key);
                continue;
            }
            if (value is JsonObject patchObject && target[key] is JsonObject targetObject)
            {
                var childMetadata = metadata is null ? null : ChildMetadata(metadata, key, targetObject, stamp);
                if (Apply(targetObject, childMetadata, patchObject, replace, stamp))
                {
                    if (childMetadata is not null) stamp.WriteTo(childMetadata);
                    changed = true;
                }
                continue;
            }
            var newValue = WithoutNullProperties(value);
            if (target.ContainsKey(key) && JsonNode.DeepEquals(target[key], newValue)) continue;
            target[key] = newValue;
            if (metadata is not null) metadata[key] = stamp.For(newValue);
            changed = true;
        }
        return changed;
    }

    private static bool Remove(JsonObject target, JsonObject? metadata, string key)
    {
        if (!target.Remove(key)) return false;
        metadata?.Remove(key);
        return true;
    }

    /// <summary>The metadata object of an existing child, rebuilt if an older document lacks it.</summary>
    private static JsonObject ChildMetadata(JsonObject metadata, string key, JsonObject existingValue, MetadataStamp stamp)
    {
        if (metadata[key] is JsonObject child) return child;
        var rebuilt = stamp.For(existingValue);
        metadata[key] = rebuilt;
        return rebuilt;
    }

    /// <summary>A value about to be stored: a copy in which nulls inside objects mean "absent", as a merge patch defines.
    /// Nulls inside arrays are ordinary elements and stay.</summary>
    private static JsonNode WithoutNullProperties(JsonNode value)
    {
        if (value is not JsonObject obj) return value.DeepClone();
        var copy = new JsonObject();
        foreach (var (key, child) in obj)
            if (child is not null) copy[key] = WithoutNullProperties(child);
        return copy;
    }
}
