using IotHubJobs.DeviceTwins;
using static Unit.Tests.Twins.TwinFixture;

namespace Unit.Tests.Twins;

public class ReportedSpecs
{
    [Fact]
    public void Reported_patches_merge_and_increment_reported_version()
    {
        var first = TwinEditor.Report(NewTwin(), Json("""{"fw":{"version":"1.0","state":"ok"}}"""), Later).Twin;
        var second = TwinEditor.Report(first, Json("""{"fw":{"version":"1.1"},"temp":20}"""), Later).Twin;
        Assert.Equal("""{"fw":{"version":"1.1","state":"ok"},"temp":20}""", SectionSize.Values(ReportedOf(second)).ToJsonString());
        Assert.Equal(3, (long)ReportedOf(second)["$version"]!);
    }

    [Fact]
    public void Reporting_the_same_values_again_is_idempotent()
    {
        var once = TwinEditor.Report(NewTwin(), Json("""{"ack":{"mode":"eco"}}"""), Later).Twin;
        var twice = TwinEditor.Report(once, Json("""{"ack":{"mode":"eco"}}"""), Later.AddMinutes(3));
        Assert.False(twice.Changed);
        Assert.Equal(once.ToJsonString(), twice.Twin.ToJsonString());
    }

    [Fact]
    public void Reported_patches_follow_the_key_rules()
    {
        Assert.NotNull(TwinEditor.Report(NewTwin(), Json("""{"$bad":1}"""), Later).Error);
    }

    [Fact]
    public void Desired_values_hide_the_bookkeeping()
    {
        var edit = TwinEditor.Patch(NewTwin(), Desired("""{"mode":"eco"}"""), Later);
        Assert.Equal("""{"mode":"eco"}""", edit.DesiredValues().ToJsonString());
    }
}
