using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using MQTTnet;

namespace Integration.Tests.DeviceGateway;

/// <summary>CONNECT as IoT Hub answers it (docs/devices.md, "Authentication"), over real TLS with per-device SAS tokens.</summary>
[Collection(SystemCollection.Name)]
public sealed class DeviceConnectSpecs(SystemUnderTest system)
{
    private readonly RealDevices _devices = new(system);

    [Fact]
    public async Task A_device_connects_with_a_token_of_its_primary_or_its_secondary_key()
    {
        var device = await _devices.RegisterAsync("connect-keys");
        foreach (var key in new[] { device.PrimaryKey, device.SecondaryKey })
        {
            var (client, code) = await _devices.TryConnectAsync(device.DeviceId, DeviceToken.Create(device.DeviceId, key, DateTimeOffset.UtcNow.AddHours(1)));
            Assert.Equal(MqttClientConnectResultCode.Success, code);
            await client!.DisposeAsync();
        }
    }

    [Fact]
    public async Task Wrong_keys_expired_tokens_and_another_devices_token_are_bad_credentials()
    {
        var device = await _devices.RegisterAsync("connect-bad");
        var other = await _devices.RegisterAsync("connect-other");
        var refusals = new Dictionary<string, string>
        {
            ["wrong key"] = DeviceToken.Create(device.DeviceId, DeviceToken.NewKey(), DateTimeOffset.UtcNow.AddHours(1)),
            ["expired"] = DeviceToken.Create(device.DeviceId, device.PrimaryKey, DateTimeOffset.UtcNow.AddMinutes(-10)),
            ["another device's token"] = other.Token(),
            ["another hub"] = DeviceToken.Create(device.DeviceId, device.PrimaryKey, DateTimeOffset.UtcNow.AddHours(1), host: "elsewhere.example"),
            ["not a token"] = "password",
        };
        foreach (var (why, password) in refusals)
        {
            var (client, code) = await _devices.TryConnectAsync(device.DeviceId, password);
            Assert.True(client is null, why);
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, code);
        }
    }

    [Fact]
    public async Task Unknown_and_disabled_devices_are_not_authorized()
    {
        var disabled = await _devices.RegisterAsync("connect-disabled", status: "disabled");
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, (await _devices.TryConnectAsync(disabled.DeviceId, disabled.Token())).Code);
        var unknown = "connect-unknown-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized,
            (await _devices.TryConnectAsync(unknown, DeviceToken.Create(unknown, DeviceToken.NewKey(), DateTimeOffset.UtcNow.AddHours(1)))).Code);
    }

    [Fact]
    public async Task A_policy_with_DeviceConnect_may_connect_a_device_and_one_without_it_may_not()
    {
        var device = await _devices.RegisterAsync("connect-policy");
        var expires = DateTimeOffset.UtcNow.AddHours(1);
        var (client, code) = await _devices.TryConnectAsync(device.DeviceId, DeviceToken.ForPolicy(device.DeviceId, "device", system.PolicyKeys["device"], expires));
        Assert.Equal(MqttClientConnectResultCode.Success, code);
        await client!.DisposeAsync();
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized,
            (await _devices.TryConnectAsync(device.DeviceId, DeviceToken.ForPolicy(device.DeviceId, "service", system.PolicyKeys["service"], expires))).Code);
    }

    [Fact]
    public async Task A_user_name_for_another_device_or_hub_is_refused()
    {
        var device = await _devices.RegisterAsync("connect-user");
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword,
            (await _devices.TryConnectAsync(device.DeviceId, device.Token(), userName: "localhost/someone-else/?api-version=2021-04-12")).Code);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword,
            (await _devices.TryConnectAsync(device.DeviceId, device.Token(), userName: $"other.example/{device.DeviceId}/?api-version=2021-04-12")).Code);
    }

    [Fact]
    public async Task After_its_keys_are_regenerated_the_old_key_is_refused_at_the_next_connect()
    {
        var device = await _devices.RegisterAsync("connect-regen");
        await using (var first = await _devices.ConnectAsync(device)) Assert.True(first.IsConnected);
        (await system.Hub.SendAsync(HttpMethod.Put, $"/devices/{device.DeviceId}", new JsonObject
        {
            ["deviceId"] = device.DeviceId,
            ["authentication"] = new JsonObject { ["symmetricKey"] = new JsonObject { ["primaryKey"] = DeviceToken.NewKey(), ["secondaryKey"] = DeviceToken.NewKey() } },
        }, r => r.Headers.TryAddWithoutValidation("If-Match", "*"))).EnsureStatus(HttpStatusCode.OK);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, (await _devices.TryConnectAsync(device.DeviceId, device.Token())).Code);
    }

    [Fact]
    public async Task A_second_connection_of_a_device_replaces_the_first()
    {
        var device = await _devices.RegisterAsync("connect-takeover");
        await using var first = await _devices.ConnectAsync(device);
        await using var second = await _devices.ConnectAsync(device);
        await first.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await second.SubscribeAsync("$iothub/twin/res/#");
        Assert.Equal(200, (await second.GetTwinAsync()).Status);
        // Replaced, not disconnected: the device stays Connected.
        Assert.Equal("Connected", (string?)(await _devices.TwinAsync(device.DeviceId))["connectionState"]);
    }

    [Fact]
    public async Task Devices_connect_over_WebSocket_through_the_gateway()
    {
        var device = await _devices.RegisterAsync("connect-ws");
        await using var client = await MqttDevice.ConnectAsync(_devices.CaPath, system.GatewayPort, device.DeviceId, device.Token(), webSocket: true);
        await client.SubscribeAsync("$iothub/twin/res/#");
        var (status, twin) = await client.GetTwinAsync();
        Assert.Equal(200, status);
        Assert.NotNull(twin!["desired"]);
    }

    [Fact]
    public async Task A_token_that_expires_ends_its_connection_and_cannot_connect_again()
    {
        var device = await _devices.RegisterAsync("expiring");
        var token = device.Token(TimeSpan.FromSeconds(4));
        await using var client = await MqttDevice.ConnectAsync(_devices.CaPath, system.MqttPort, device.DeviceId, token);

        await client.Disconnected.Task.WaitAsync(TimeSpan.FromMinutes(1));
        var (again, code) = await _devices.TryConnectAsync(device.DeviceId, token);

        Assert.Null(again);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, code);
    }
}
