using System.Text.Json.Nodes;
using IotHubJobs.DeviceTwins;

namespace Unit.Tests.Twins;

public class PatchReaderSpecs
{
    private static (bool Ok, TwinPatch Patch, string Error) Read(string json, string? deviceId = "d1")
    {
        var ok = TwinPatchReader.TryRead(JsonNode.Parse(json), deviceId, out var patch, out var error);
        return (ok, patch, error);
    }

    [Fact]
    public void Reads_tags_and_desired_and_ignores_read_only_fields()
    {
        var (ok, patch, _) = Read("""
            {"deviceId":"d1","etag":"*","version":7,"status":"enabled","tags":{"a":1},
             "properties":{"desired":{"b":2},"reported":{"c":3}}}
            """);
        Assert.True(ok);
        Assert.Equal("""{"a":1}""", patch.Tags!.ToJsonString());
        Assert.Equal("""{"b":2}""", patch.Desired!.ToJsonString());
    }

    [Fact]
    public void Desired_at_the_top_level_is_refused()
    {
        var (ok, _, error) = Read("""{"desired":{"b":2}}""");
        Assert.False(ok);
        Assert.Contains("under 'properties'", error);
    }

    [Theory]
    [InlineData("""{"tags":5}""")]
    [InlineData("""{"tags":[1]}""")]
    [InlineData("""{"properties":"x"}""")]
    [InlineData("""{"properties":{"desired":true}}""")]
    [InlineData("""[1]""")]
    public void Sections_that_are_not_objects_are_refused(string json)
    {
        Assert.False(Read(json).Ok);
    }

    [Fact]
    public void Missing_or_null_sections_are_absent()
    {
        var (ok, patch, _) = Read("""{"tags":null,"properties":{"desired":null}}""");
        Assert.True(ok);
        Assert.Null(patch.Tags);
        Assert.Null(patch.Desired);
    }

    [Fact]
    public void A_deviceId_that_differs_from_the_path_is_refused()
    {
        Assert.False(Read("""{"deviceId":"other","tags":{}}""").Ok);
        Assert.True(Read("""{"deviceId":null,"tags":{}}""").Ok);
    }

    [Fact]
    public void A_job_patch_with_deviceId_null_and_reported_reads_its_sections()
    {
        var ok = TwinPatchReader.TryReadJobPatch("""{"deviceId":null,"etag":"*","properties":{"desired":{"x":1},"reported":{}}}""", out var patch, out _);
        Assert.True(ok);
        Assert.Null(patch.Tags);
        Assert.Equal("""{"x":1}""", patch.Desired!.ToJsonString());
    }
}
