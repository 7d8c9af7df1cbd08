using System.Text.Json.Nodes;

namespace DeviceGateway.Twins;

/// <summary>
/// The desired-properties notification body (docs/devices.md, "Twins"): the change from what the device has to the
/// new desired properties as a JSON merge patch — removed keys as <c>null</c>, like IoT Hub's patches — plus
/// <c>$version</c>. Without a known starting point (the device has not read its twin on this session) the whole desired
/// document is the patch: every value is right, only removals cannot be told.
/// </summary>
public static class DesiredPatch
{
    public static JsonObject Between(JsonObject? had, JsonObject now, long version)
    {
        var patch = had is null ? (JsonObject)now.DeepClone() : Diff(had, now);
        patch["$version"] = version;
        return patch;
    }

    private static JsonObject Diff(JsonObject had, JsonObject now)
    {
        var patch = new JsonObject();
        foreach (var (key, _) in had)
            if (!now.ContainsKey(key)) patch[key] = null;
        foreach (var (key, value) in now)
        {
            if (had.TryGetPropertyValue(key, out var before) && JsonNode.DeepEquals(before, value)) continue;
            patch[key] = before is JsonObject beforeObject && value is JsonObject valueObject ? Diff(beforeObject, valueObject) : value?.DeepClone();
        }
        return patch;
    }
}
