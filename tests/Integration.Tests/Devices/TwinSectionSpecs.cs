using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using IotHubJobs.DeviceTwins;
using IotHubJobs.Query;
using IotHubJobs.Registry;

namespace Integration.Tests.Devices;

/// <summary>
/// A batch twin edit moves only the sections it names (libs/Registry/TwinStore.cs, TwinSections.cs): the change sees those
/// alone, and writing them back leaves every other part of the stored twin as it was. The oracle is the whole twin read
/// back from PostgreSQL. On a scratch database of its own.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TwinSectionSpecs(SystemUnderTest system)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_report_written_through_its_section_changes_the_reported_properties_and_nothing_else()
    {
        await using var database = await ScratchRegistry.CreateAsync(system, "iothub_sections_");
        var registry = new DeviceRegistry(database);
        await registry.CreateAsync([Device("d1", FullTwin("d1"))], Now, CancellationToken.None);
        var before = (await registry.FindAsync("d1", CancellationToken.None))!.Twin;

        JsonObject? seen = null;
        await new TwinStore(database).UpdateAsync(["d1"], TwinSections.Reported, twins =>
        {
            twins.TryGet("d1", out seen);
            twins.Save("d1", TwinEditor.Report(seen!, new JsonObject { ["firmware"] = "2.0" }, Now).Twin);
            return 0;
        }, CancellationToken.None);

        Assert.NotNull(seen);
        Assert.Equal(["properties"], seen.Select(p => p.Key));
        Assert.Equal(["reported"], seen["properties"]!.AsObject().Select(p => p.Key));
        var after = (await registry.FindAsync("d1", CancellationToken.None))!.Twin;
        Assert.Equal("2.0", (string?)after["properties"]!["reported"]!["firmware"]);
        Assert.Equal(2, (long?)after["properties"]!["reported"]!["$version"]);
        Assert.True(JsonNode.DeepEquals(Without(before, "properties", "reported"), Without(after, "properties", "reported")));
    }

    [Fact]
    public async Task A_patch_written_through_the_service_sections_changes_tags_desired_version_and_etag_and_the_tags_index_finds_it()
    {
        await using var database = await ScratchRegistry.CreateAsync(system, "iothub_sections_");
        var registry = new DeviceRegistry(database);
        await registry.CreateAsync([Device("d1", FullTwin("d1"))], Now, CancellationToken.None);
        var before = (await registry.FindAsync("d1", CancellationToken.None))!.Twin;

        var patch = new TwinPatch(new JsonObject { ["region"] = "south" }, new JsonObject { ["interval"] = 30 });
        await new TwinStore(database).UpdateAsync(["d1"], TwinSections.ServiceWritable, twins =>
        {
            twins.TryGet("d1", out var twin);
            twins.Save("d1", TwinEditor.Patch(twin!, patch, Now).Twin);
            return 0;
        }, CancellationToken.None);

        var after = (await registry.FindAsync("d1", CancellationToken.None))!.Twin;
        Assert.Equal("south", (string?)after["tags"]!["region"]);
        Assert.Equal(30, (int?)after["properties"]!["desired"]!["interval"]);
        Assert.Equal(2, (long?)after["version"]);
        Assert.NotEqual((string?)before["etag"], (string?)after["etag"]);
        var untouched = new[] { "tags", "version", "etag" }.Aggregate(Without(before, "properties", "desired"), (t, key) => Without(t, key));
        var left = new[] { "tags", "version", "etag" }.Aggregate(Without(after, "properties", "desired"), (t, key) => Without(t, key));
        Assert.True(JsonNode.DeepEquals(untouched, left));
        var (count, _) = await registry.PreviewTargetsAsync(QueryParser.ParseCondition("tags.region = 'south'", DeviceQuerySource.Source), 1, CancellationToken.None);
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task A_section_the_twin_lacked_is_added_and_one_the_change_left_out_is_kept_as_stored()
    {
        await using var database = await ScratchRegistry.CreateAsync(system, "iothub_sections_");
        var registry = new DeviceRegistry(database);
        await registry.CreateAsync([Device("d1", new JsonObject { ["deviceId"] = "d1", ["tags"] = new JsonObject { ["a"] = 1 } })], Now, CancellationToken.None);

        await new TwinStore(database).UpdateAsync(["d1"], TwinSections.ServiceWritable.With(TwinSections.Reported), twins =>
        {
            twins.TryGet("d1", out var twin);
            var changed = TwinEditor.Report(twin!, new JsonObject { ["battery"] = 80 }, Now).Twin;
            changed.Remove("tags");
            twins.Save("d1", changed);
            return 0;
        }, CancellationToken.None);

        var after = (await registry.FindAsync("d1", CancellationToken.None))!.Twin;
        Assert.Equal(80, (int?)after["properties"]!["reported"]!["battery"]);
        Assert.False(after["properties"]!.AsObject().ContainsKey("desired"));
        Assert.Equal(1, (int?)after["tags"]!["a"]);
        Assert.False(after.ContainsKey("version"));
        Assert.Equal("d1", (string?)after["deviceId"]);
    }

    [Fact]
    public async Task One_batch_writes_a_twin_that_has_the_section_s_parent_and_one_that_lacks_it_each_completely()
    {
        await using var database = await ScratchRegistry.CreateAsync(system, "iothub_sections_");
        var registry = new DeviceRegistry(database);
        await registry.CreateAsync([Device("d1", FullTwin("d1")), Device("d2", new JsonObject { ["deviceId"] = "d2", ["tags"] = new JsonObject { ["a"] = 1 } })],
            Now, CancellationToken.None);
        var before = (await registry.FindAsync("d1", CancellationToken.None))!.Twin;

        await new TwinStore(database).UpdateAsync(["d1", "d2"], TwinSections.Reported, twins =>
        {
            foreach (var id in new[] { "d1", "d2" })
            {
                twins.TryGet(id, out var twin);
                twins.Save(id, TwinEditor.Report(twin!, new JsonObject { ["firmware"] = "3.0" }, Now).Twin);
            }
            return 0;
        }, CancellationToken.None);

        var first = (await registry.FindAsync("d1", CancellationToken.None))!.Twin;
        var second = (await registry.FindAsync("d2", CancellationToken.None))!.Twin;
        Assert.Equal("3.0", (string?)first["properties"]!["reported"]!["firmware"]);
        Assert.True(JsonNode.DeepEquals(Without(before, "properties", "reported"), Without(first, "properties", "reported")));
        Assert.Equal("3.0", (string?)second["properties"]!["reported"]!["firmware"]);
        Assert.Equal(["reported"], second["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(1, (int?)second["tags"]!["a"]);
    }

    private static DeviceRegistry.Device Device(string id, JsonObject twin) => new(id, new JsonObject { ["deviceId"] = id }, twin);

    private static JsonObject FullTwin(string id) => new()
    {
        ["deviceId"] = id,
        ["etag"] = "e1",
        ["version"] = 1,
        ["status"] = "enabled",
        ["connectionState"] = "Disconnected",
        ["tags"] = new JsonObject { ["region"] = "north" },
        ["properties"] = new JsonObject
        {
            ["desired"] = new JsonObject { ["interval"] = 10, ["$version"] = 1 },
            ["reported"] = new JsonObject { ["firmware"] = "1.0", ["$version"] = 1 },
        },
    };

    /// <summary>A copy of the twin without one key, or without one key of one of its objects.</summary>
    private static JsonObject Without(JsonObject twin, string key, string? inner = null)
    {
        var copy = twin.DeepClone().AsObject();
        if (inner is null) copy.Remove(key);
        else copy[key]!.AsObject().Remove(inner);
        return copy;
    }
}
