using System.Text.Json;
using System.Text.Json.Nodes;

namespace IotHubJobs.DeviceTwins;

/// <summary>
/// Reads the twin-shaped body of <c>PATCH/PUT /twins/{id}</c> or a job's <c>updateTwin</c> into a <see cref="TwinPatch"/>.
/// Read-only twin fields clients echo back (<c>etag</c>, <c>version</c>, <c>status</c>, <c>properties.reported</c>, …)
/// are ignored, the way IoT Hub ignores them; a misplaced section is refused rather than silently dropped.
/// </summary>
public static class TwinPatchReader
{
    /// <summary>Reads the patch. <paramref name="deviceId"/>, when given, must match a <c>deviceId</c> in the body.</summary>
    public static bool TryRead(JsonNode? body, string? deviceId, out TwinPatch patch, out string error)
    {
        patch = new TwinPatch(null, null);
        error = "";
        if (body is not JsonObject twin) return Fail("The twin must be a JSON object.", out error);
        if (twin.ContainsKey(TwinEditor.Desired) || twin.ContainsKey(TwinEditor.Reported))
            return Fail("Desired and reported properties belong under 'properties', not at the top level of the twin.", out error);
        if (deviceId is not null && twin["deviceId"] is JsonValue id
            && (id.GetValueKind() != JsonValueKind.String || id.GetValue<string>() != deviceId))
            return Fail("deviceId in the body does not match the deviceId in the path.", out error);

        if (!TryObject(twin["tags"], "tags", out var tags, out error)) return false;
        JsonObject? desired = null;
        switch (twin["properties"])
        {
            case null:
                break;
            case JsonObject properties:
                if (!TryObject(properties[TwinEditor.Desired], "properties.desired", out desired, out error)) return false;
                break;
            default:
                return Fail("'properties' must be a JSON object.", out error);
        }
        patch = new TwinPatch(tags, desired);
        return true;
    }

    /// <summary>Reads the job's <c>updateTwin</c> (already accepted by the jobs API) for execution.</summary>
    public static bool TryReadJobPatch(string patchJson, out TwinPatch patch, out string error)
    {
        try
        {
            return TryRead(JsonNode.Parse(patchJson), null, out patch, out error);
        }
        catch (JsonException e)
        {
            patch = new TwinPatch(null, null);
            return Fail($"The job's twin patch is not valid JSON: {e.Message}", out error);
        }
    }

    private static bool TryObject(JsonNode? node, string path, out JsonObject? value, out string error)
    {
        value = node as JsonObject;
        error = "";
        return node is null or JsonObject || Fail($"'{path}' must be a JSON object.", out error);
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
