using System.Text.Json.Nodes;
using IotHubJobs.DeviceTwins;

namespace Unit.Tests.Twins;

/// <summary>A twin as jobs-api creates it for a new device, plus shorthands for patches and clock readings.</summary>
public static class TwinFixture
{
    public static readonly DateTimeOffset Created = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    public static readonly DateTimeOffset Later = Created.AddMinutes(1).AddTicks(1234567);
    public const string LaterText = "2026-01-02T03:05:05.1234567Z";

    public static JsonObject NewTwin() => JsonNode.Parse("""
        {"deviceId":"d1","etag":"AAAAAAAAAAE=","deviceEtag":"x","status":"enabled","version":1,"tags":{},
         "properties":{
           "desired":{"$metadata":{"$lastUpdated":"2026-01-02T03:04:05.0000000Z","$lastUpdatedVersion":1},"$version":1},
           "reported":{"$metadata":{"$lastUpdated":"2026-01-02T03:04:05.0000000Z"},"$version":1}}}
        """)!.AsObject();

    public static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    public static TwinPatch Desired(string json) => new(null, Json(json));

    public static TwinPatch Tags(string json) => new(Json(json), null);

    public static JsonObject DesiredOf(JsonObject twin) => TwinEditor.Section(twin, TwinEditor.Desired);

    public static JsonObject ReportedOf(JsonObject twin) => TwinEditor.Section(twin, TwinEditor.Reported);

    /// <summary>Applies a patch that must succeed and returns the new twin.</summary>
    public static JsonObject Patched(JsonObject twin, TwinPatch patch, DateTimeOffset? at = null)
    {
        var edit = TwinEditor.Patch(twin, patch, at ?? Later);
        Assert.Null(edit.Error);
        return edit.Twin;
    }
}
