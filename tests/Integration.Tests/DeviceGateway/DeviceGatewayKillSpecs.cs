using Integration.Tests.Infrastructure;

namespace Integration.Tests.DeviceGateway;

/// <summary>
/// A device-gateway instance killed with kill -9 (docs/devices.md, "Presence and routing"): a surviving instance sees its
/// heartbeat go stale and clears its devices — never Connected after their holder crashed — and they connect again to
/// the survivor, which then holds them.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class DeviceGatewayKillSpecs(SystemUnderTest system)
{
    private readonly RealDevices _devices = new(system);

    [Fact]
    public async Task A_killed_instances_devices_are_cleared_by_the_survivor_and_reconnect_to_it()
    {
        var doomedPort = await system.StartDeviceGatewayAsync("device-gateway-doomed");
        try
        {
            await KillAndReconnectAsync(doomedPort);
        }
        finally
        {
            await system.DiscardAsync("device-gateway-doomed");
        }
    }

    private async Task KillAndReconnectAsync(int doomedPort)
    {
        var device = await _devices.RegisterAsync("kill");
        var client = await _devices.ConnectAsync(device, port: doomedPort);
        await RealDevices.EventuallyAsync(async () =>
            (await _devices.HolderQueuesAsync(device.DeviceId)).GetValueOrDefault(device.DeviceId) == RealDevices.Queue("device-gateway-doomed"),
            "held by the doomed instance");

        await system.Services["device-gateway-doomed"].KillAsync();
        await RealDevices.EventuallyAsync(async () => (string?)(await _devices.TwinAsync(device.DeviceId))["connectionState"] == "Disconnected",
            "the survivor cleared the killed instance's device");
        Assert.Empty(await _devices.HolderQueuesAsync(device.DeviceId));
        await client.DisposeAsync();

        await using var again = await _devices.ConnectAsync(device);
        await RealDevices.EventuallyAsync(async () =>
            (await _devices.HolderQueuesAsync(device.DeviceId)).GetValueOrDefault(device.DeviceId) == RealDevices.Queue("device-gateway"),
            "held by the survivor");
        Assert.Equal("Connected", (string?)(await _devices.TwinAsync(device.DeviceId))["connectionState"]);
    }
}
