using System.Text.Json.Nodes;

namespace IotHubJobs.DeviceTwins;

/// <summary>
/// Applies service-side PATCH and PUT and device-side reported patches to a twin document (docs/iothub-api.md,
/// "Device twins"). The twin <c>version</c> and <c>etag</c> cover tags and desired properties;
/// <c>properties.desired.$version</c> and <c>properties.reported.$version</c> count changes of their own section. Only
/// real changes count: writing values a twin already holds changes no version, etag or timestamp, so a redelivered
/// update is harmless.
/// </summary>
public static class TwinEditor
{
    public const string Tags = "tags";
    public const string Desired = "desired";
    public const string Reported = "reported";

    /// <summary>PATCH: merge tags and desired properties; a null section is left alone.</summary>
    public static TwinEdit Patch(JsonObject twin, TwinPatch patch, DateTimeOffset now) => Write(twin, patch, replace: false, now);

    /// <summary>PUT: replace tags and desired properties wholesale; a missing section becomes empty.</summary>
    public static TwinEdit Replace(JsonObject twin, TwinPatch replacement, DateTimeOffset now) =>
        Write(twin, new TwinPatch(replacement.Tags ?? new JsonObject(), replacement.Desired ?? new JsonObject()), replace: true, now);

    /// <summary>A device reports properties: merge into <c>properties.reported</c>; twin version and etag stay.</summary>
    public static TwinEdit Report(JsonObject twin, JsonObject reportedPatch, DateTimeOffset now)
    {
        if (TwinRules.Validate(reportedPatch, "properties.reported") is { } invalid) return TwinEdit.Refused(twin, invalid);
        var next = twin.DeepClone().AsObject();
        var (changed, error) = MergeVersioned(Section(next, Reported, create: true), reportedPatch, false, TwinTime.Format(now),
            withVersionInMetadata: false, TwinLimits.MaxReportedBytes, "properties.reported");
        if (error is not null) return TwinEdit.Refused(twin, error);
        return new TwinEdit(next, false, false, changed, null);
    }

    private static TwinEdit Write(JsonObject twin, TwinPatch patch, bool replace, DateTimeOffset now)
    {
        if (patch.Tags is { } tagsPatch && TwinRules.Validate(tagsPatch, Tags) is { } badTags) return TwinEdit.Refused(twin, badTags);
        if (patch.Desired is { } desiredPatch && TwinRules.Validate(desiredPatch, "properties.desired") is { } badDesired)
            return TwinEdit.Refused(twin, badDesired);

        var next = twin.DeepClone().AsObject();
        var time = TwinTime.Format(now);
        var tagsChanged = false;
        if (patch.Tags is { } tags)
        {
            var target = Section(next, Tags, create: true);
            tagsChanged = SectionMerge.Apply(target, null, tags, replace, new MetadataStamp(time, null));
            if (tagsChanged && SectionSize.Of(target) is var size && size > TwinLimits.MaxTagsBytes)
                return TwinEdit.Refused(twin, $"Tags would be {size} bytes; the limit is {TwinLimits.MaxTagsBytes}.");
        }
        var desiredChanged = false;
        if (patch.Desired is { } desired)
        {
            (desiredChanged, var error) = MergeVersioned(Section(next, Desired, create: true), desired, replace, time,
                withVersionInMetadata: true, TwinLimits.MaxDesiredBytes, "properties.desired");
            if (error is not null) return TwinEdit.Refused(twin, error);
        }
        if (tagsChanged || desiredChanged)
        {
            next["version"] = ((long?)next["version"] ?? 0) + 1;
            next["etag"] = TwinEtag.New();
        }
        return new TwinEdit(next, tagsChanged, desiredChanged, false, null);
    }

    /// <summary>Merges into desired or reported, then bumps <c>$version</c> and the root <c>$metadata</c> if anything changed.</summary>
    private static (bool Changed, string? Error) MergeVersioned(JsonObject section, JsonObject patch, bool replace, string time,
        bool withVersionInMetadata, int maxBytes, string path)
    {
        var version = ((long?)section[TwinKeys.Version] ?? 0) + 1;
        var stamp = new MetadataStamp(time, withVersionInMetadata ? version : null);
        if (section[TwinKeys.Metadata] is not JsonObject metadata)
        {
            metadata = stamp.For(SectionSize.Values(section));
            section[TwinKeys.Metadata] = metadata;
        }
        if (!SectionMerge.Apply(section, metadata, patch, replace, stamp)) return (false, null);
        var size = SectionSize.Of(section);
        if (size > maxBytes) return (true, $"'{path}' would be {size} bytes; the limit is {maxBytes}.");
        stamp.WriteTo(metadata);
        // Keep the bookkeeping after the values, where IoT Hub puts it, even when the merge added new keys.
        section.Remove(TwinKeys.Metadata);
        section.Remove(TwinKeys.Version);
        section[TwinKeys.Metadata] = metadata;
        section[TwinKeys.Version] = version;
        return (true, null);
    }

    /// <summary><c>tags</c>, <c>properties.desired</c> or <c>properties.reported</c> of a twin; created when asked and missing,
    /// otherwise an empty detached object stands in for a missing section.</summary>
    public static JsonObject Section(JsonObject twin, string name, bool create = false)
    {
        var parent = twin;
        if (name != Tags)
        {
            if (twin["properties"] is not JsonObject properties)
            {
                if (!create) return new JsonObject();
                twin["properties"] = properties = new JsonObject();
            }
            parent = properties;
        }
        if (parent[name] is JsonObject section) return section;
        if (!create) return new JsonObject();
        section = new JsonObject();
        parent[name] = section;
        return section;
    }
}
