using IotHubJobs.DeviceTwins;
using static Unit.Tests.Twins.TwinFixture;

namespace Unit.Tests.Twins;

public class MergeSpecs
{
    [Fact]
    public void A_patch_adds_new_keys_and_keeps_the_others()
    {
        var twin = Patched(NewTwin(), Desired("""{"a":1}"""));
        twin = Patched(twin, Desired("""{"b":"two"}"""));
        Assert.Equal("""{"a":1,"b":"two"}""", SectionSize.Values(DesiredOf(twin)).ToJsonString());
    }

    [Fact]
    public void Objects_merge_recursively()
    {
        var twin = Patched(NewTwin(), Desired("""{"fan":{"speed":1,"mode":"auto"}}"""));
        twin = Patched(twin, Desired("""{"fan":{"speed":3}}"""));
        Assert.Equal("""{"speed":3,"mode":"auto"}""", DesiredOf(twin)["fan"]!.ToJsonString());
    }

    [Fact]
    public void Null_in_a_patch_deletes_the_key()
    {
        var twin = Patched(NewTwin(), Desired("""{"a":1,"fan":{"speed":1,"mode":"auto"}}"""));
        twin = Patched(twin, Desired("""{"a":null,"fan":{"mode":null}}"""));
        Assert.Equal("""{"fan":{"speed":1}}""", SectionSize.Values(DesiredOf(twin)).ToJsonString());
    }

    [Fact]
    public void Null_for_a_missing_key_changes_nothing()
    {
        var twin = NewTwin();
        var edit = TwinEditor.Patch(twin, Desired("""{"ghost":null}"""), Later);
        Assert.False(edit.Changed);
        Assert.Equal(1, (long)edit.Twin["version"]!);
    }

    [Fact]
    public void Nulls_inside_a_new_object_are_not_stored()
    {
        var twin = Patched(NewTwin(), Desired("""{"fan":{"speed":1,"mode":null}}"""));
        Assert.Equal("""{"speed":1}""", DesiredOf(twin)["fan"]!.ToJsonString());
    }

    [Fact]
    public void A_value_replaces_an_object_and_an_object_replaces_a_value()
    {
        var twin = Patched(NewTwin(), Desired("""{"a":{"x":1},"b":5}"""));
        twin = Patched(twin, Desired("""{"a":"flat","b":{"y":2}}"""));
        Assert.Equal("""{"a":"flat","b":{"y":2}}""", SectionSize.Values(DesiredOf(twin)).ToJsonString());
    }

    [Fact]
    public void Arrays_are_values_replaced_wholesale()
    {
        var twin = Patched(NewTwin(), Desired("""{"list":[1,2,3]}"""));
        twin = Patched(twin, Desired("""{"list":[4,null]}"""));
        Assert.Equal("[4,null]", DesiredOf(twin)["list"]!.ToJsonString());
    }

    [Fact]
    public void Tags_merge_like_desired_properties_but_carry_no_metadata()
    {
        var twin = Patched(NewTwin(), Tags("""{"site":{"building":"43","floor":"3"}}"""));
        twin = Patched(twin, Tags("""{"site":{"floor":null},"owner":"ops"}"""));
        Assert.Equal("""{"site":{"building":"43"},"owner":"ops"}""", twin["tags"]!.ToJsonString());
    }

    [Fact]
    public void The_input_twin_is_never_modified()
    {
        var twin = NewTwin();
        var before = twin.ToJsonString();
        TwinEditor.Patch(twin, new TwinPatch(Json("""{"t":1}"""), Json("""{"d":1}""")), Later);
        TwinEditor.Replace(twin, new TwinPatch(null, null), Later);
        Assert.Equal(before, twin.ToJsonString());
    }

    [Fact]
    public void Bookkeeping_stays_after_the_values()
    {
        var twin = Patched(NewTwin(), Desired("""{"z":1}"""));
        Assert.Equal(["z", "$metadata", "$version"], DesiredOf(twin).Select(p => p.Key));
    }

    [Fact]
    public void Metadata_and_version_sent_back_by_a_client_are_ignored()
    {
        var twin = Patched(NewTwin(), Desired("""{"a":1,"$metadata":{"bogus":true},"$version":99}"""));
        Assert.Equal(2, (long)DesiredOf(twin)["$version"]!);
        Assert.Null(DesiredOf(twin)["$metadata"]!["bogus"]);
    }
}
