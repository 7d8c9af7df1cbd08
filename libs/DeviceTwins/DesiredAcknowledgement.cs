using System.Text.Json.Nodes;

namespace IotHubJobs.DeviceTwins;

/// <summary>
/// Whether a device applied a desired-property patch (docs/rollouts.md, "Acknowledged twin jobs"): its reported properties
/// show every value the patch set, at the same path; a path the patch removed (null) is absent or null in them. Paths the
/// patch did not touch do not matter, nor does metadata.
/// </summary>
public static class DesiredAcknowledgement
{
    public static bool Shows(JsonObject twin, JsonObject? desiredPatch) =>
        desiredPatch is null || Covers(desiredPatch, SectionSize.Values(TwinEditor.Section(twin, TwinEditor.Reported)));

    private static bool Covers(JsonObject patch, JsonObject? reported)
    {
        foreach (var (name, value) in patch)
        {
            if (name.StartsWith('$')) continue;
            var shown = reported?[name];
            var holds = value switch
            {
                null => shown is null,
                JsonObject inner => Covers(inner, shown as JsonObject),
                _ => JsonNode.DeepEquals(value, shown),
            };
            if (!holds) return false;
        }
        return true;
    }
}
