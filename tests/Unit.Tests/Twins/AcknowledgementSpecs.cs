using IotHubJobs.DeviceTwins;
using static Unit.Tests.Twins.TwinFixture;

namespace Unit.Tests.Twins;

/// <summary>When a device has acknowledged a twin job's desired values (docs/rollouts.md, "Acknowledged twin jobs").</summary>
public class AcknowledgementSpecs
{
    private static readonly System.Text.Json.Nodes.JsonObject Patch = Json("""{"firmware":{"version":"2.1"},"mode":"eco","legacy":null}""");

    [Fact]
    public void Reported_properties_that_show_every_value_the_patch_set_acknowledge_it_whatever_else_they_hold()
    {
        var twin = TwinEditor.Report(NewTwin(), Json("""{"firmware":{"version":"2.1","channel":"beta"},"mode":"eco","temp":20}"""), Later).Twin;
        Assert.True(DesiredAcknowledgement.Shows(twin, Patch));
    }

    [Theory]
    [InlineData("""{"firmware":{"version":"2.0"},"mode":"eco"}""")]
    [InlineData("""{"mode":"eco"}""")]
    [InlineData("""{"firmware":{"version":"2.1"},"mode":"eco","legacy":true}""")]
    [InlineData("""{"firmware":"2.1","mode":"eco"}""")]
    public void A_value_missing_or_different_or_a_removed_path_still_reported_is_no_acknowledgement(string reported)
    {
        var twin = TwinEditor.Report(NewTwin(), Json(reported), Later).Twin;
        Assert.False(DesiredAcknowledgement.Shows(twin, Patch));
    }

    [Fact]
    public void A_patch_without_desired_properties_needs_no_acknowledgement()
    {
        Assert.True(DesiredAcknowledgement.Shows(NewTwin(), null));
    }
}
