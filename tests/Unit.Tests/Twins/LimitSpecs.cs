using System.Text.Json.Nodes;
using IotHubJobs.DeviceTwins;
using static Unit.Tests.Twins.TwinFixture;

namespace Unit.Tests.Twins;

public class LimitSpecs
{
    private static string? DesiredError(JsonObject desired) => TwinEditor.Patch(NewTwin(), new TwinPatch(null, desired), Later).Error;

    private static JsonObject One(string key, JsonNode? value) => new() { [key] = value };

    [Theory]
    [InlineData("a.b")]
    [InlineData("a$b")]
    [InlineData("a b")]
    [InlineData("a\u0001b")]
    [InlineData("a\u0085b")]
    [InlineData("")]
    public void Keys_with_dots_dollars_spaces_or_control_characters_are_refused(string key)
    {
        var error = DesiredError(One(key, 1));
        Assert.NotNull(error);
        Assert.Contains("Property name", error);
    }

    [Fact]
    public void Keys_are_limited_to_1_KB_of_UTF8()
    {
        Assert.Null(DesiredError(One(new string('k', 1024), 1)));
        Assert.Contains("1024 bytes", DesiredError(One(new string('k', 1025), 1)));
        Assert.NotNull(DesiredError(One(new string('é', 513), 1))); // 1026 bytes in 513 characters
    }

    [Fact]
    public void String_values_are_limited_to_4_KB_of_UTF8()
    {
        Assert.Null(DesiredError(One("s", new string('v', 4096))));
        Assert.Contains("4096", DesiredError(One("s", new string('v', 4097))));
        Assert.NotNull(DesiredError(One("s", new string('é', 2049))));
    }

    [Theory]
    [InlineData("4503599627370495", true)]
    [InlineData("-4503599627370495", true)]
    [InlineData("4503599627370496", false)]
    [InlineData("-4503599627370496", false)]
    [InlineData("123456789012345678901234567890", false)]
    [InlineData("1.5", true)]
    [InlineData("1e300", true)]
    [InlineData("1e400", false)]
    [InlineData("-1.5e309", false)]
    [InlineData("1e-400", true)] // underflows to zero, which a double holds
    public void Integers_must_stay_within_2_to_the_52_and_other_numbers_within_a_double(string number, bool allowed)
    {
        var error = DesiredError(Json($$"""{"n":{{number}}}"""));
        Assert.Equal(allowed, error is null);
    }

    [Fact]
    public void Nesting_is_limited_to_ten_levels_counting_the_section()
    {
        static JsonObject Nested(int levels)
        {
            var inner = new JsonObject { ["leaf"] = 1 };
            for (var i = 1; i < levels; i++) inner = new JsonObject { [$"l{i}"] = inner };
            return inner;
        }
        Assert.Null(DesiredError(Nested(10)));
        Assert.Contains("deeper than 10", DesiredError(Nested(11)));
    }

    [Fact]
    public void Arrays_count_as_a_level_and_their_elements_follow_the_rules()
    {
        Assert.Null(DesiredError(Json("""{"a":[1,"two",{"three":3},null]}""")));
        Assert.Contains("Property name", DesiredError(Json("""{"a":[{"bad key":1}]}""")));
        Assert.Contains("a[0]", DesiredError(Json("""{"a":[4503599627370496]}""")));
    }

    [Fact]
    public void Tags_are_limited_to_8_KB_after_the_merge()
    {
        var twin = Patched(NewTwin(), Tags($$"""{"a":"{{new string('x', 3000)}}","b":"{{new string('x', 3000)}}"}"""));
        var edit = TwinEditor.Patch(twin, Tags($$"""{"c":"{{new string('x', 3000)}}"}"""), Later);
        Assert.Contains("8192", edit.Error);
        Assert.Same(twin, edit.Twin);
    }

    [Fact]
    public void Desired_is_limited_to_32_KB_after_the_merge_not_counting_metadata()
    {
        var twin = NewTwin();
        for (var i = 0; i < 7; i++) twin = Patched(twin, Desired($$"""{"k{{i}}":"{{new string('x', 4000)}}"}"""));
        Assert.True(SectionSize.Of(DesiredOf(twin)) < 32 * 1024);
        Assert.True(DesiredOf(twin).ToJsonString().Length > 28 * 1024);
        var edit = TwinEditor.Patch(twin, Desired($$"""{"k7":"{{new string('x', 4000)}}","k8":"{{new string('x', 4000)}}"}"""), Later);
        Assert.Contains("32768", edit.Error);
        Assert.False(edit.Changed);
    }

    [Fact]
    public void Reported_is_limited_to_32_KB()
    {
        var patch = new JsonObject();
        for (var i = 0; i < 9; i++) patch[$"k{i}"] = new string('x', 4000);
        Assert.Contains("32768", TwinEditor.Report(NewTwin(), patch, Later).Error);
    }

    [Fact]
    public void A_refused_patch_changes_nothing()
    {
        var twin = NewTwin();
        var edit = TwinEditor.Patch(twin, new TwinPatch(Json("""{"ok":1}"""), Json("""{"bad.key":1}""")), Later);
        Assert.NotNull(edit.Error);
        Assert.False(edit.Changed);
        Assert.Equal(NewTwin().ToJsonString(), edit.Twin.ToJsonString());
    }
}
