using IotHubJobs.IotHubErrors;

namespace Unit.Tests.Errors;

/// <summary>Client input echoed in error messages: kept whole up to the bound, cut there with a marker beyond it.</summary>
public class ClientTextSpecs
{
    [Theory]
    [InlineData("", 4, "")]
    [InlineData("abcd", 4, "abcd")]
    [InlineData("abcde", 4, "abcd…")]
    public void Text_longer_than_the_bound_is_cut_and_marked(string text, int max, string expected) =>
        Assert.Equal(expected, ClientText.Shorten(text, max));

    [Fact]
    public void The_marker_may_be_left_out() => Assert.Equal("abcd", ClientText.Shorten("abcdef", 4, marker: ""));
}
