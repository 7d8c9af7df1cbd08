using IotHubJobs.Security;

namespace Unit.Tests.Security;

public class AudienceTests
{
    [Theory]
    [InlineData("localhost", "localhost", true)]
    [InlineData("localhost:8443", "localhost", true)]
    [InlineData("localhost", "localhost:8443", true)]
    [InlineData("MyHub.Azure-Devices.net/devices/d1", "myhub.azure-devices.net", true)]
    [InlineData("[::1]:8443", "[::1]", true)]
    [InlineData("127.0.0.1:443/", "127.0.0.1", true)]
    [InlineData("localhost:", "localhost", false)]
    [InlineData("localhost:84x", "localhost", false)]
    [InlineData("localhostx", "localhost", false)]
    [InlineData("evil/localhost", "localhost", false)]
    [InlineData("/localhost", "localhost", false)]
    [InlineData("", "localhost", false)]
    public void Audience_matches_the_hub_by_host_ignoring_case_and_port(string audience, string hub, bool matches)
    {
        Assert.Equal(matches, Audience.Matches(audience, hub));
    }
}
