using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.DeviceGateway;

/// <summary>Twins live on the device (docs/devices.md, "Twins"): GET, reported patches with the twin rules, desired notifications.</summary>
[Collection(SystemCollection.Name)]
public sealed class DeviceTwinSpecs(SystemUnderTest system)
{
    private readonly RealDevices _devices = new(system);

    [Fact]
    public async Task A_device_reads_its_twin_and_reports_properties_that_the_service_then_sees()
    {
        var device = await _devices.RegisterAsync("twin-report");
        await using var client = await _devices.ConnectAsync(device);
        await client.SubscribeAsync("$iothub/twin/res/#");

        var (status, twin) = await client.GetTwinAsync();
        Assert.Equal(200, status);
        Assert.Equal(1, (long)twin!["desired"]!["$version"]!);
        Assert.Equal(1, (long)twin["reported"]!["$version"]!);

        var (patched, topic, body) = await client.PatchReportedAsync("""{"fw":"1.2","nested":{"a":1}}""");
        Assert.Equal(204, patched);
        Assert.EndsWith("&$version=2", topic);
        Assert.Null(body);

        var reported = (await _devices.TwinAsync(device.DeviceId))["properties"]!["reported"]!;
        Assert.Equal("1.2", (string?)reported["fw"]);
        Assert.Equal(2, (long)reported["$version"]!);
        Assert.NotNull(reported["$metadata"]!["fw"]!["$lastUpdated"]);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"a.b":1}""")]
    [InlineData("""{"$bad":1}""")]
    public async Task An_invalid_reported_patch_is_answered_400_with_a_json_error_body_and_changes_nothing(string patch)
    {
        var device = await _devices.RegisterAsync("twin-invalid");
        await using var client = await _devices.ConnectAsync(device);
        await client.SubscribeAsync("$iothub/twin/res/#");
        var (status, _, body) = await client.PatchReportedAsync(patch);
        Assert.Equal(400, status);
        Assert.Equal(400004, (int)body!["errorCode"]!);
        Assert.False(string.IsNullOrEmpty((string?)body["message"]));
        Assert.Equal(1, (long)(await _devices.TwinAsync(device.DeviceId))["properties"]!["reported"]!["$version"]!);
    }

    [Fact]
    public async Task Reported_properties_over_32_KB_are_refused()
    {
        var device = await _devices.RegisterAsync("twin-large");
        await using var client = await _devices.ConnectAsync(device);
        await client.SubscribeAsync("$iothub/twin/res/#");
        var values = new JsonObject();
        for (var i = 0; i < 10; i++) values[$"k{i}"] = new string('x', 4000);
        var (status, _, body) = await client.PatchReportedAsync(values.ToJsonString());
        Assert.Equal(400, status);
        Assert.Equal(400004, (int)body!["errorCode"]!);
    }

    [Fact]
    public async Task A_desired_change_through_the_service_reaches_the_subscribed_device_in_version_order_with_removals_as_nulls()
    {
        var device = await _devices.RegisterAsync("twin-desired");
        await using var client = await _devices.ConnectAsync(device);
        await client.SubscribeAsync("$iothub/twin/res/#");
        await client.SubscribeAsync("$iothub/twin/PATCH/properties/desired/#");
        await client.GetTwinAsync();

        await PatchDesiredAsync(device.DeviceId, new JsonObject { ["fw"] = "2.0", ["mode"] = "eco" });
        var first = await client.NextAsync("$iothub/twin/PATCH/properties/desired/");
        Assert.Equal("$iothub/twin/PATCH/properties/desired/?$version=2", first.Topic);
        var body = JsonNode.Parse(MqttDevice.Body(first))!;
        Assert.Equal("2.0", (string?)body["fw"]);
        Assert.Equal(2, (long)body["$version"]!);

        await PatchDesiredAsync(device.DeviceId, new JsonObject { ["mode"] = null });
        var second = JsonNode.Parse(MqttDevice.Body(await client.NextAsync("$iothub/twin/PATCH/properties/desired/")))!.AsObject();
        Assert.Equal(3, (long)second["$version"]!);
        Assert.True(second.ContainsKey("mode") && second["mode"] is null, second.ToJsonString());
        Assert.False(second.ContainsKey("fw"));
    }

    [Fact]
    public async Task A_twin_job_s_desired_change_is_sent_once_to_the_connected_device_by_the_instance_holding_it()
    {
        var device = await _devices.RegisterAsync("twin-job-desired");
        await using var client = await _devices.ConnectAsync(device);
        await client.SubscribeAsync("$iothub/twin/res/#");
        await client.SubscribeAsync("$iothub/twin/PATCH/properties/desired/#");

        var jobId = "twin-push-" + Guid.NewGuid().ToString("N")[..12];
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", new JsonObject
        {
            ["jobId"] = jobId, ["type"] = "scheduleUpdateTwin", ["maxExecutionTimeInSeconds"] = 600,
            ["queryCondition"] = $"deviceId = '{device.DeviceId}'",
            ["updateTwin"] = JsonNode.Parse("""{"etag":"*","properties":{"desired":{"fw":"3.0"}}}"""),
        })).EnsureStatus(HttpStatusCode.OK);

        var pushed = await client.NextAsync("$iothub/twin/PATCH/properties/desired/");
        Assert.Equal("$iothub/twin/PATCH/properties/desired/?$version=2", pushed.Topic);
        Assert.Equal("3.0", (string?)JsonNode.Parse(MqttDevice.Body(pushed))!["fw"]);
        Assert.Equal("completed", (string?)(await Jobs.Fleet.WaitUntilFinishedAsync(system.Hub, jobId))["status"]);
        Assert.Equal(200, (await client.GetTwinAsync()).Status);
        Assert.Equal(0, client.CountReceived("$iothub/twin/PATCH/properties/desired/"));
    }

    [Fact]
    public async Task A_device_that_did_not_subscribe_to_desired_properties_is_not_sent_them()
    {
        var device = await _devices.RegisterAsync("twin-unsubscribed");
        await using var client = await _devices.ConnectAsync(device);
        await client.SubscribeAsync("$iothub/twin/res/#");
        await PatchDesiredAsync(device.DeviceId, new JsonObject { ["x"] = 1 });
        // a twin read after the change proves the notification had its chance to arrive first
        await Task.Delay(500);
        Assert.Equal(200, (await client.GetTwinAsync()).Status);
        Assert.Equal(0, client.CountReceived("$iothub/twin/PATCH/properties/desired/"));
    }

    private async Task PatchDesiredAsync(string deviceId, JsonObject desired) =>
        (await system.Hub.SendAsync(HttpMethod.Patch, $"/twins/{deviceId}", new JsonObject { ["properties"] = new JsonObject { ["desired"] = desired } }))
            .EnsureStatus(HttpStatusCode.OK);
}
