using IotHubJobs.Security;

namespace Unit.Tests.Security;

public class IotHubConnectionStringTests
{
    private const string Key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    [Fact]
    public void Service_connection_string_splits_each_part_at_the_first_equals_sign()
    {
        var cs = IotHubConnectionString.Parse($"HostName=localhost;SharedAccessKeyName=iothubowner;SharedAccessKey={Key}");

        Assert.Equal("localhost", cs.HostName);
        Assert.Equal("iothubowner", cs.SharedAccessKeyName);
        Assert.Equal(Key, cs.SharedAccessKey);
        Assert.Null(cs.DeviceId);
    }

    [Fact]
    public void Device_connection_string_is_understood()
    {
        var cs = IotHubConnectionString.Parse($"HostName=localhost:8443;DeviceId=d1;SharedAccessKey={Key};");

        Assert.Equal("localhost:8443", cs.HostName);
        Assert.Equal("d1", cs.DeviceId);
        Assert.Null(cs.SharedAccessKeyName);
    }

    [Theory]
    [InlineData("SharedAccessKeyName=x;SharedAccessKey=abc=")]
    [InlineData("HostName=h;SharedAccessKeyName=x")]
    [InlineData("HostName=h;SharedAccessKey=abc=")]
    [InlineData("HostName=h;garbage;SharedAccessKeyName=x;SharedAccessKey=abc=")]
    [InlineData("")]
    public void Incomplete_connection_string_is_refused(string text)
    {
        Assert.Throws<FormatException>(() => IotHubConnectionString.Parse(text));
    }

    [Fact]
    public void Printing_hides_the_key_but_the_connection_string_round_trips()
    {
        var text = $"HostName=localhost;SharedAccessKeyName=iothubowner;SharedAccessKey={Key}";
        var cs = IotHubConnectionString.Parse(text);

        Assert.DoesNotContain(Key, cs.ToString());
        Assert.Equal(text, cs.ToConnectionString());
    }
}
