using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.DeviceGateway;

/// <summary>Presence is real (docs/devices.md, "Presence and routing"): connectionState follows the connection, and routing finds the holder.</summary>
[Collection(SystemCollection.Name)]
public sealed class DevicePresenceSpecs(SystemUnderTest system)
{
    private readonly RealDevices _devices = new(system);

    [Fact]
    public async Task A_device_is_Connected_while_connected_queryable_routed_to_its_instance_and_Disconnected_after()
    {
        var device = await _devices.RegisterAsync("presence");
        var client = await _devices.ConnectAsync(device);

        await RealDevices.EventuallyAsync(async () => (string?)(await _devices.TwinAsync(device.DeviceId))["connectionState"] == "Connected", "twin Connected");
        var identity = await _devices.IdentityAsync(device.DeviceId);
        Assert.Equal("Connected", (string?)identity["connectionState"]);
        Assert.NotEqual("0001-01-01T00:00:00Z", (string?)identity["connectionStateUpdatedTime"]);
        Assert.NotEqual("0001-01-01T00:00:00Z", (string?)identity["lastActivityTime"]);

        var query = await system.Hub.PostAsync("/devices/query", new JsonObject
        {
            ["query"] = $"SELECT * FROM devices WHERE connectionState = 'Connected' AND deviceId = '{device.DeviceId}'",
        });
        Assert.Single(query.EnsureStatus(HttpStatusCode.OK).Json.AsArray());
        Assert.Equal(RealDevices.Queue("device-gateway"), (await _devices.HolderQueuesAsync(device.DeviceId))[device.DeviceId]);

        await client.DisposeAsync();
        await RealDevices.EventuallyAsync(async () => (string?)(await _devices.TwinAsync(device.DeviceId))["connectionState"] == "Disconnected", "twin Disconnected");
        Assert.Equal("Disconnected", (string?)(await _devices.IdentityAsync(device.DeviceId))["connectionState"]);
        Assert.Empty(await _devices.HolderQueuesAsync(device.DeviceId));
    }

    [Fact]
    public async Task Activity_moves_lastActivityTime_forward_in_batches()
    {
        var device = await _devices.RegisterAsync("presence-activity");
        await using var client = await _devices.ConnectAsync(device);
        await client.SubscribeAsync("$iothub/twin/res/#");
        await RealDevices.EventuallyAsync(async () => (string?)(await _devices.TwinAsync(device.DeviceId))["connectionState"] == "Connected", "Connected");
        var before = (string)(await _devices.IdentityAsync(device.DeviceId))["lastActivityTime"]!;
        await Task.Delay(100);
        await client.GetTwinAsync();
        await RealDevices.EventuallyAsync(async () =>
            string.CompareOrdinal((string?)(await _devices.IdentityAsync(device.DeviceId))["lastActivityTime"], before) > 0, "lastActivityTime moved");
    }
}
