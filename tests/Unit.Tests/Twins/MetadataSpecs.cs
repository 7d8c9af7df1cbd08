using IotHubJobs.DeviceTwins;
using static Unit.Tests.Twins.TwinFixture;

namespace Unit.Tests.Twins;

public class MetadataSpecs
{
    [Fact]
    public void Desired_metadata_carries_time_and_version_at_every_level()
    {
        var twin = Patched(NewTwin(), Desired("""{"fan":{"speed":1,"limits":{"max":5}}}"""));
        var metadata = DesiredOf(twin)["$metadata"]!;
        foreach (var entry in new[] { metadata, metadata["fan"]!, metadata["fan"]!["speed"]!, metadata["fan"]!["limits"]!["max"]! })
        {
            Assert.Equal(LaterText, (string?)entry["$lastUpdated"]);
            Assert.Equal(2, (long)entry["$lastUpdatedVersion"]!);
        }
    }

    [Fact]
    public void Only_changed_entries_and_their_parents_get_a_new_stamp()
    {
        var twin = Patched(NewTwin(), Desired("""{"a":1,"fan":{"speed":1,"mode":"auto"}}"""));
        var third = Later.AddMinutes(5);
        twin = Patched(twin, Desired("""{"fan":{"speed":2}}"""), third);
        var metadata = DesiredOf(twin)["$metadata"]!;
        Assert.Equal(3, (long)metadata["$lastUpdatedVersion"]!);
        Assert.Equal(3, (long)metadata["fan"]!["$lastUpdatedVersion"]!);
        Assert.Equal(3, (long)metadata["fan"]!["speed"]!["$lastUpdatedVersion"]!);
        Assert.Equal(TwinTime.Format(third), (string?)metadata["fan"]!["speed"]!["$lastUpdated"]);
        Assert.Equal(2, (long)metadata["fan"]!["mode"]!["$lastUpdatedVersion"]!);
        Assert.Equal(2, (long)metadata["a"]!["$lastUpdatedVersion"]!);
        Assert.Equal(LaterText, (string?)metadata["a"]!["$lastUpdated"]);
    }

    [Fact]
    public void Deleting_a_property_deletes_its_metadata()
    {
        var twin = Patched(NewTwin(), Desired("""{"a":1,"b":2}"""));
        twin = Patched(twin, Desired("""{"a":null}"""));
        Assert.Null(DesiredOf(twin)["$metadata"]!["a"]);
        Assert.NotNull(DesiredOf(twin)["$metadata"]!["b"]);
    }

    [Fact]
    public void Reported_metadata_carries_only_the_time()
    {
        var edit = TwinEditor.Report(NewTwin(), Json("""{"fw":{"version":"1.2"}}"""), Later);
        var metadata = ReportedOf(edit.Twin)["$metadata"]!;
        Assert.Equal(LaterText, (string?)metadata["$lastUpdated"]);
        Assert.Equal(LaterText, (string?)metadata["fw"]!["version"]!["$lastUpdated"]);
        Assert.Null(metadata["$lastUpdatedVersion"]);
        Assert.Null(metadata["fw"]!["$lastUpdatedVersion"]);
    }

    [Fact]
    public void Timestamps_have_seven_fractional_digits_in_utc()
    {
        Assert.Equal("2026-01-02T03:04:05.0000000Z", TwinTime.Format(new DateTimeOffset(2026, 1, 2, 5, 4, 5, TimeSpan.FromHours(2))));
    }

    [Fact]
    public void A_twin_without_metadata_gets_it_built()
    {
        var twin = Json("""{"deviceId":"d","version":3,"properties":{"desired":{"old":1,"$version":4}}}""");
        var edit = TwinEditor.Patch(twin, Desired("""{"new":2}"""), Later);
        var metadata = DesiredOf(edit.Twin)["$metadata"]!;
        Assert.Equal(5, (long)metadata["new"]!["$lastUpdatedVersion"]!);
        Assert.NotNull(metadata["old"]);
    }
}
