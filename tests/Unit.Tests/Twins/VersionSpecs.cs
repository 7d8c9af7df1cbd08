using IotHubJobs.DeviceTwins;
using static Unit.Tests.Twins.TwinFixture;

namespace Unit.Tests.Twins;

public class VersionSpecs
{
    [Fact]
    public void A_desired_change_increments_twin_version_and_desired_version_once()
    {
        var edit = TwinEditor.Patch(NewTwin(), Desired("""{"a":1,"b":{"c":2}}"""), Later);
        Assert.Equal(2, (long)edit.Twin["version"]!);
        Assert.Equal(2, (long)DesiredOf(edit.Twin)["$version"]!);
        Assert.Equal(2, edit.DesiredVersion());
    }

    [Fact]
    public void A_tags_change_increments_twin_version_but_not_desired_version()
    {
        var edit = TwinEditor.Patch(NewTwin(), Tags("""{"a":1}"""), Later);
        Assert.Equal(2, (long)edit.Twin["version"]!);
        Assert.Equal(1, (long)DesiredOf(edit.Twin)["$version"]!);
        Assert.True(edit.TagsChanged);
        Assert.False(edit.DesiredChanged);
    }

    [Fact]
    public void Tags_and_desired_in_one_patch_increment_twin_version_once()
    {
        var edit = TwinEditor.Patch(NewTwin(), new TwinPatch(Json("""{"t":1}"""), Json("""{"d":1}""")), Later);
        Assert.Equal(2, (long)edit.Twin["version"]!);
    }

    [Fact]
    public void Every_change_gets_a_new_etag()
    {
        var twin = NewTwin();
        var first = TwinEditor.Patch(twin, Tags("""{"a":1}"""), Later).Twin;
        var second = TwinEditor.Patch(first, Desired("""{"a":1}"""), Later).Twin;
        Assert.NotEqual((string?)twin["etag"], (string?)first["etag"]);
        Assert.NotEqual((string?)first["etag"], (string?)second["etag"]);
    }

    [Fact]
    public void Etags_drawn_together_on_many_threads_are_all_different_twelve_character_tokens()
    {
        var etags = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, _ => { for (var i = 0; i < 1000; i++) etags.Add(TwinEtag.New()); });
        Assert.Equal(8000, etags.Distinct().Count());
        Assert.All(etags, etag => Assert.Equal(9, Convert.FromBase64String(etag).Length));
    }

    [Fact]
    public void Writing_values_the_twin_already_holds_changes_no_version_or_etag()
    {
        var twin = Patched(NewTwin(), new TwinPatch(Json("""{"a":1}"""), Json("""{"d":{"e":1}}""")));
        var edit = TwinEditor.Patch(twin, new TwinPatch(Json("""{"a":1}"""), Json("""{"d":{"e":1}}""")), Later.AddHours(1));
        Assert.False(edit.Changed);
        Assert.Equal(twin.ToJsonString(), edit.Twin.ToJsonString());
    }

    [Fact]
    public void Reported_changes_leave_twin_version_and_etag_alone()
    {
        var twin = NewTwin();
        var edit = TwinEditor.Report(twin, Json("""{"temp":21}"""), Later);
        Assert.True(edit.ReportedChanged);
        Assert.Equal(1, (long)edit.Twin["version"]!);
        Assert.Equal((string?)twin["etag"], (string?)edit.Twin["etag"]);
        Assert.Equal(2, (long)ReportedOf(edit.Twin)["$version"]!);
    }

    [Fact]
    public void A_twin_without_versions_starts_counting_at_one()
    {
        var edit = TwinEditor.Patch(Json("""{"deviceId":"d"}"""), Desired("""{"a":1}"""), Later);
        Assert.Equal(1, (long)edit.Twin["version"]!);
        Assert.Equal(1, (long)DesiredOf(edit.Twin)["$version"]!);
    }
}
