using System.Net.Security;
using System.Net.Sockets;
using Integration.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;

namespace Integration.Tests.DeviceGateway;

/// <summary>Bad input gets a refusal or a disconnect, never a crash, and never touches another device (docs/devices.md, "Limits").</summary>
[Collection(SystemCollection.Name)]
public sealed class DeviceBadInputSpecs(SystemUnderTest system)
{
    private readonly RealDevices _devices = new(system);

    /// <summary>A bystander that must notice nothing of what the spec does to others.</summary>
    private async Task<MqttDevice> BystanderAsync()
    {
        var device = await _devices.ConnectAsync(await _devices.RegisterAsync("bystander"));
        await device.SubscribeAsync("$iothub/twin/res/#");
        return device;
    }

    private static async Task StillServedAsync(MqttDevice bystander)
    {
        Assert.True(bystander.IsConnected);
        Assert.Equal(200, (await bystander.GetTwinAsync()).Status);
    }

    [Fact]
    public async Task Subscriptions_to_other_devices_and_unknown_topics_are_refused_and_own_ones_granted()
    {
        var device = await _devices.RegisterAsync("topics-sub");
        await using var client = await _devices.ConnectAsync(device);
        Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, await client.SubscribeAsync("devices/someone-else/messages/devicebound/#"));
        Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, await client.SubscribeAsync("#"));
        Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, await client.SubscribeAsync("$iothub/methods/res/#"));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS0, await client.SubscribeAsync("$iothub/methods/POST/#"));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1,
            await client.SubscribeAsync($"devices/{device.DeviceId}/messages/devicebound/#", MqttQualityOfServiceLevel.AtLeastOnce));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1,
            await client.SubscribeAsync("$iothub/twin/res/#", MqttQualityOfServiceLevel.ExactlyOnce));
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Publishing_to_another_devices_topic_disconnects_only_the_publisher()
    {
        await using var bystander = await BystanderAsync();
        await using var client = await _devices.ConnectAsync(await _devices.RegisterAsync("topics-pub"));
        await client.PublishAsync($"devices/{bystander.DeviceId}/messages/events/", "{}");
        await client.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await StillServedAsync(bystander);
    }

    [Fact]
    public async Task Telemetry_is_acknowledged_and_dropped()
    {
        var device = await _devices.RegisterAsync("telemetry");
        await using var client = await _devices.ConnectAsync(device);
        // QoS 1: PublishAsync completes only on the PUBACK
        await client.PublishAsync($"devices/{device.DeviceId}/messages/events/$.ct=application%2Fjson", "{\"t\":21}", MqttQualityOfServiceLevel.AtLeastOnce);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task A_publish_flood_disconnects_the_flooding_device_only()
    {
        await using var bystander = await BystanderAsync();
        await using var flooder = await _devices.ConnectAsync(await _devices.RegisterAsync("flood-pub"));
        // Bursts of 200 written at once, until the hub ends the connection: four times the fixture's 50 a second however
        // slowly a loaded machine lets one publish follow another (one awaited publish after another may never exceed it).
        var giveUp = DateTime.UtcNow.AddSeconds(30);
        while (flooder.IsConnected && DateTime.UtcNow < giveUp)
        {
            try { await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => flooder.PublishAsync($"devices/{flooder.DeviceId}/messages/events/", "{}"))); }
            catch (Exception) { break; }
        }
        await flooder.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await StillServedAsync(bystander);
    }

    [Fact]
    public async Task A_connect_flood_from_one_address_is_refused_as_server_unavailable()
    {
        var device = await _devices.RegisterAsync("flood-connect");
        // The fixture allows 40 connects a second from one address. Bursts of a hundred at once, until one is refused as a
        // flood: on a loaded machine the TLS handshakes of one burst may spread over more than two seconds, within budget.
        var codes = new List<MqttClientConnectResultCode>();
        var giveUp = DateTime.UtcNow.AddSeconds(30);
        while (!codes.Contains(MqttClientConnectResultCode.ServerUnavailable) && DateTime.UtcNow < giveUp)
        {
            var attempts = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => _devices.TryConnectAsync(device.DeviceId, "not a token")));
            codes.AddRange(attempts.Select(a => a.Code));
        }
        Assert.Contains(MqttClientConnectResultCode.ServerUnavailable, codes);
        // the budget refills: a good device connects again once the burst is over
        await RealDevices.EventuallyAsync(async () =>
        {
            var (client, code) = await _devices.TryConnectAsync(device.DeviceId, device.Token());
            if (client is not null) await client.DisposeAsync();
            return code == MqttClientConnectResultCode.Success;
        }, "a connect accepted after the flood");
    }

    [Fact]
    public async Task Garbage_instead_of_MQTT_closes_that_connection_and_QoS_2_publishes_are_refused()
    {
        await using var bystander = await BystanderAsync();
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync("localhost", system.MqttPort);
            await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
            await tls.AuthenticateAsClientAsync("localhost");
            // packet type 0 is reserved: no MQTT packet starts like this
            var garbage = new byte[] { 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef };
            await tls.WriteAsync(garbage);
            var buffer = new byte[64];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                while (await tls.ReadAsync(buffer, timeout.Token) > 0) { }
            }
            catch (IOException) { }
        }
        await using var qos2 = await _devices.ConnectAsync(await _devices.RegisterAsync("qos2"));
        try { await qos2.PublishAsync("$iothub/twin/GET/?$rid=1", " ", MqttQualityOfServiceLevel.ExactlyOnce); } catch (Exception) { }
        await qos2.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await StillServedAsync(bystander);
    }
}
