using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using static Integration.Tests.Twins.TwinRequests;

namespace Integration.Tests.Twins;

[Collection(SystemCollection.Name)]
public sealed class TwinApiSpecs(SystemUnderTest system)
{
    private static JsonObject Patch(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>Twins are stored as jsonb, which orders keys its own way: compare content, not text.</summary>
    private static JsonNode WithoutReported(JsonNode twin)
    {
        var copy = twin.DeepClone();
        copy["properties"]!.AsObject().Remove("reported");
        return copy;
    }

    private static void AssertSameJson(JsonNode expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"Expected {expected.ToJsonString()}\nbut got  {actual.ToJsonString()}");

    [Fact]
    public async Task Patch_with_the_current_etag_merges_and_returns_the_twin_with_its_new_etag()
    {
        var deviceId = await CreateDeviceAsync(system.Hub, "tw-patch");
        var before = await GetAsync(system.Hub, deviceId);

        var response = (await PatchAsync(system.Hub, deviceId,
            Patch("""{"tags":{"site":{"building":"43"}},"properties":{"desired":{"fan":{"speed":2}}}}"""), Quoted((string)before["etag"]!)))
            .EnsureStatus(HttpStatusCode.OK);

        var twin = response.Json;
        Assert.Equal("43", (string?)twin["tags"]!["site"]!["building"]);
        Assert.Equal(2, (int)twin["properties"]!["desired"]!["fan"]!["speed"]!);
        Assert.Equal((long)before["version"]! + 1, (long)twin["version"]!);
        Assert.Equal((long)before["properties"]!["desired"]!["$version"]! + 1, (long)twin["properties"]!["desired"]!["$version"]!);
        Assert.NotEqual((string?)before["etag"], (string?)twin["etag"]);
        Assert.Equal(Quoted((string)twin["etag"]!), response.Header("ETag"));
        // The device acknowledges desired changes into properties.reported at any moment: compare everything else.
        AssertSameJson(WithoutReported(twin), WithoutReported(await GetAsync(system.Hub, deviceId)));
    }

    [Fact]
    public async Task Patch_with_a_stale_etag_is_refused_with_412_and_changes_nothing()
    {
        var deviceId = await CreateDeviceAsync(system.Hub, "tw-stale");
        var original = await GetAsync(system.Hub, deviceId);
        (await PatchAsync(system.Hub, deviceId, Patch("""{"tags":{"a":1}}"""), Quoted((string)original["etag"]!))).EnsureStatus(HttpStatusCode.OK);
        var current = await GetAsync(system.Hub, deviceId);

        var refused = await PatchAsync(system.Hub, deviceId, Patch("""{"tags":{"a":2}}"""), Quoted((string)original["etag"]!));

        refused.EnsureStatus(HttpStatusCode.PreconditionFailed);
        Assert.Equal("PreconditionFailed", refused.Header("iothub-errorcode"));
        Assert.StartsWith("ErrorCode:PreconditionFailed;", (string?)refused.Json["Message"]);
        AssertSameJson(current, await GetAsync(system.Hub, deviceId));
    }

    [Fact]
    public async Task Bare_etags_star_and_a_missing_If_Match_are_accepted()
    {
        var deviceId = await CreateDeviceAsync(system.Hub, "tw-forms");
        var twin = await GetAsync(system.Hub, deviceId);
        twin = (await PatchAsync(system.Hub, deviceId, Patch("""{"tags":{"a":1}}"""), (string)twin["etag"]!)).EnsureStatus(HttpStatusCode.OK).Json.AsObject();
        twin = (await PatchAsync(system.Hub, deviceId, Patch("""{"tags":{"b":1}}"""), "\"*\"")).EnsureStatus(HttpStatusCode.OK).Json.AsObject();
        twin = (await PatchAsync(system.Hub, deviceId, Patch("""{"tags":{"c":1}}"""), null)).EnsureStatus(HttpStatusCode.OK).Json.AsObject();
        Assert.Equal("""{"a":1,"b":1,"c":1}""", twin["tags"]!.ToJsonString());
    }

    [Fact]
    public async Task Put_replaces_tags_and_desired_properties_wholesale()
    {
        var deviceId = await CreateDeviceAsync(system.Hub, "tw-put");
        var twin = (await PatchAsync(system.Hub, deviceId,
            Patch("""{"tags":{"a":1,"b":2},"properties":{"desired":{"x":1,"y":{"z":1}}}}"""), "*")).EnsureStatus(HttpStatusCode.OK).Json;

        var replaced = (await PutAsync(system.Hub, deviceId,
            Patch("""{"deviceId":"DEVICE","tags":{"b":3},"properties":{"desired":{"y":{"w":2}}}}""".Replace("DEVICE", deviceId)), Quoted((string)twin["etag"]!)))
            .EnsureStatus(HttpStatusCode.OK).Json;

        Assert.Equal("""{"b":3}""", replaced["tags"]!.ToJsonString());
        var desired = replaced["properties"]!["desired"]!.AsObject();
        Assert.Equal("""{"w":2}""", desired["y"]!.ToJsonString());
        Assert.False(desired.ContainsKey("x"));
        Assert.Null(desired["$metadata"]!["x"]);
    }

    [Fact]
    public async Task Unknown_device_answers_404_DeviceNotFound()
    {
        var response = await PatchAsync(system.Hub, "no-such-device-" + Guid.NewGuid().ToString("N")[..8], Patch("""{"tags":{"a":1}}"""), "*");
        response.EnsureStatus(HttpStatusCode.NotFound);
        Assert.Equal("DeviceNotFound", response.Header("iothub-errorcode"));
    }

    [Theory]
    [InlineData("""{"tags":{"bad.key":1}}""")]
    [InlineData("""{"properties":{"desired":{"n":4503599627370496}}}""")]
    [InlineData("""{"desired":{"x":1}}""")]
    [InlineData("""{"tags":"not an object"}""")]
    public async Task A_patch_breaking_the_twin_rules_is_400_ArgumentInvalid_and_changes_nothing(string patch)
    {
        var deviceId = await CreateDeviceAsync(system.Hub, "tw-bad");
        var before = await GetAsync(system.Hub, deviceId);

        var response = await PatchAsync(system.Hub, deviceId, Patch(patch), "*");

        response.EnsureStatus(HttpStatusCode.BadRequest);
        Assert.Equal("ArgumentInvalid", response.Header("iothub-errorcode"));
        AssertSameJson(before, await GetAsync(system.Hub, deviceId));
    }

    [Fact]
    public async Task Desired_properties_patched_through_the_api_are_acknowledged_by_the_device()
    {
        // A simulated device (tags.sim) acknowledges its desired properties the way a real one does.
        var deviceId = (await Jobs.Fleet.CreateAsync(system.Hub, $"tw-ack-{Guid.NewGuid():N}"[..15], 1)).Single();
        (await PatchAsync(system.Hub, deviceId, Patch("""{"properties":{"desired":{"telemetryInterval":15}}}"""), "*")).EnsureStatus(HttpStatusCode.OK);

        var twin = await WaitForAsync(system.Hub, deviceId, t => (int?)t["properties"]?["reported"]?["telemetryInterval"] == 15);

        Assert.Equal(2, (long)twin["properties"]!["reported"]!["$version"]!);
        Assert.NotNull(twin["properties"]!["reported"]!["$metadata"]!["telemetryInterval"]!["$lastUpdated"]);
    }
}
