using IotHubJobs.DeviceTwins;
using static Unit.Tests.Twins.TwinFixture;

namespace Unit.Tests.Twins;

public class ReplaceSpecs
{
    [Fact]
    public void Put_replaces_tags_and_desired_wholesale()
    {
        var twin = Patched(NewTwin(), new TwinPatch(Json("""{"a":1,"b":2}"""), Json("""{"x":{"y":1,"z":2},"w":3}""")));
        var edit = TwinEditor.Replace(twin, new TwinPatch(Json("""{"b":5}"""), Json("""{"x":{"y":1}}""")), Later);
        Assert.Null(edit.Error);
        Assert.Equal("""{"b":5}""", edit.Twin["tags"]!.ToJsonString());
        Assert.Equal("""{"x":{"y":1}}""", SectionSize.Values(DesiredOf(edit.Twin)).ToJsonString());
    }

    [Fact]
    public void Put_without_a_section_empties_it()
    {
        var twin = Patched(NewTwin(), new TwinPatch(Json("""{"a":1}"""), Json("""{"x":1}""")));
        var edit = TwinEditor.Replace(twin, new TwinPatch(null, Json("""{"x":1}""")), Later);
        Assert.Equal("{}", edit.Twin["tags"]!.ToJsonString());
        Assert.True(edit.TagsChanged);
        Assert.False(edit.DesiredChanged);
    }

    [Fact]
    public void Put_drops_metadata_of_removed_properties()
    {
        var twin = Patched(NewTwin(), Desired("""{"x":{"y":1,"z":2}}"""));
        var edit = TwinEditor.Replace(twin, new TwinPatch(null, Json("""{"x":{"y":1}}""")), Later.AddMinutes(1));
        var metadata = DesiredOf(edit.Twin)["$metadata"]!["x"]!;
        Assert.NotNull(metadata["y"]);
        Assert.Null(metadata["z"]);
    }

    [Fact]
    public void Put_of_the_same_content_changes_nothing()
    {
        var twin = Patched(NewTwin(), new TwinPatch(Json("""{"a":1}"""), Json("""{"x":1}""")));
        var edit = TwinEditor.Replace(twin, new TwinPatch(Json("""{"a":1}"""), Json("""{"x":1}""")), Later.AddHours(1));
        Assert.False(edit.Changed);
        Assert.Equal(twin.ToJsonString(), edit.Twin.ToJsonString());
    }
}
