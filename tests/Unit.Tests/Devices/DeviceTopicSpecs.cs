using DeviceGateway.Protocol;
using DeviceGateway.Twins;
using System.Text.Json.Nodes;

namespace Unit.Tests.Devices;

public sealed class DeviceTopicSpecs
{
    [Theory]
    [InlineData("$iothub/methods/res/200/?$rid=1a", DevicePublishKind.MethodResponse, "1a", 200)]
    [InlineData("$iothub/methods/res/-1/?$rid=7", DevicePublishKind.MethodResponse, "7", -1)]
    [InlineData("$iothub/twin/GET/?$rid=fca312a2-0d4d-401f-b180-2fa98d938d6c", DevicePublishKind.TwinGet, "fca312a2-0d4d-401f-b180-2fa98d938d6c", 0)]
    [InlineData("$iothub/twin/PATCH/properties/reported/?$rid=9&$version=3", DevicePublishKind.ReportedPatch, "9", 0)]
    [InlineData("devices/d1/messages/events/", DevicePublishKind.Telemetry, null, 0)]
    [InlineData("devices/d1/messages/events/$.ct=application%2Fjson&a=b", DevicePublishKind.Telemetry, null, 0)]
    [InlineData("devices/d2/messages/events/", DevicePublishKind.Unknown, null, 0)]
    [InlineData("$iothub/methods/res/abc/?$rid=1", DevicePublishKind.Unknown, null, 0)]
    [InlineData("$iothub/methods/res/200/?rid=1", DevicePublishKind.Unknown, null, 0)]
    [InlineData("$iothub/twin/GET/", DevicePublishKind.Unknown, null, 0)]
    [InlineData("$iothub/methods/POST/reboot/?$rid=1", DevicePublishKind.Unknown, null, 0)]
    [InlineData("", DevicePublishKind.Unknown, null, 0)]
    public void Device_publishes_are_parsed_by_their_exact_shape(string topic, DevicePublishKind kind, string? rid, int status)
    {
        var publish = DeviceTopic.Parse(topic, "d1");
        Assert.Equal(kind, publish.Kind);
        if (kind == DevicePublishKind.Unknown) return;
        Assert.Equal(rid, publish.Rid);
        Assert.Equal(status, publish.Status);
    }

    [Theory]
    [InlineData("$iothub/methods/POST/#", DeviceSubscription.Methods)]
    [InlineData("$iothub/twin/res/#", DeviceSubscription.TwinResponses)]
    [InlineData("$iothub/twin/PATCH/properties/desired/#", DeviceSubscription.DesiredProperties)]
    [InlineData("devices/d1/messages/devicebound/#", DeviceSubscription.CloudToDevice)]
    [InlineData("devices/d2/messages/devicebound/#", null)]
    [InlineData("#", null)]
    [InlineData("$iothub/#", null)]
    [InlineData("devices/+/messages/devicebound/#", null)]
    [InlineData("$iothub/methods/res/#", null)]
    public void Only_the_hubs_own_filters_of_the_device_itself_are_subscribable(string filter, DeviceSubscription? expected) =>
        Assert.Equal(expected, DeviceTopic.ParseFilter(filter, "d1"));

    [Fact]
    public void Topics_the_hub_sends_have_the_slash_before_the_question_mark()
    {
        Assert.Equal("$iothub/methods/POST/reboot/?$rid=a", DeviceTopic.MethodRequest("reboot", "a"));
        Assert.Equal("$iothub/twin/res/204/?$rid=r&$version=8", DeviceTopic.TwinResponse(204, "r", 8));
        Assert.Equal("$iothub/twin/res/200/?$rid=r", DeviceTopic.TwinResponse(200, "r"));
        Assert.Equal("$iothub/twin/PATCH/properties/desired/?$version=4", DeviceTopic.DesiredPatch(4));
    }

    [Theory]
    [InlineData("localhost/d1/?api-version=2021-04-12&DeviceClientType=azure-iot-device%2F1.18.4", null)]
    [InlineData("localhost:8883/d1/?api-version=2021-04-12", null)]
    [InlineData("LOCALHOST/d1/?api-version=2020-09-30&model-id=dtmi:a;1", null)]
    [InlineData("localhost/d1", null)]
    [InlineData("localhost/d2/?api-version=2021-04-12", "another device")]
    [InlineData("other.example/d1/?api-version=2021-04-12", "another hub")]
    [InlineData("d1", "not {host}")]
    [InlineData("", "no user name")]
    public void The_user_name_must_name_this_hub_and_the_client_id(string userName, string? problem)
    {
        var found = DeviceUserName.Problem(userName, "d1", "localhost");
        if (problem is null) Assert.Null(found);
        else Assert.Contains(problem.Split(' ')[0], found ?? "(none)");
    }

    [Fact]
    public void A_desired_patch_tells_removed_keys_as_nulls_and_leaves_out_unchanged_ones()
    {
        var had = JsonNode.Parse("""{"a":1,"b":{"x":1,"y":2},"c":3}""")!.AsObject();
        var now = JsonNode.Parse("""{"a":1,"b":{"x":1,"y":5},"d":4}""")!.AsObject();
        Assert.Equal("""{"c":null,"b":{"y":5},"d":4,"$version":7}""", DesiredPatch.Between(had, now, 7).ToJsonString());
        Assert.Equal("""{"a":1,"$version":2}""", DesiredPatch.Between(null, JsonNode.Parse("""{"a":1}""")!.AsObject(), 2).ToJsonString());
    }
}
