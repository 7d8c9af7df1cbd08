using DeviceGateway.Connections;
using DeviceGateway.Protocol;
using IotHubJobs.Contracts.Devices;
using MassTransit;
using System.Text.Json.Nodes;

namespace DeviceGateway.Twins;

/// <summary>
/// Pushes desired-property changes to the devices this instance holds (docs/devices.md, "Twins"): the executor and
/// jobs-api send each instance the <see cref="DesiredPropertiesChanged"/> of the devices presence says it holds, on a
/// queue of its own, and it sends
/// <c>$iothub/twin/PATCH/properties/desired/?$version={v}</c> to those of its connected devices that subscribed. A
/// change no newer than what the device already has (a late or repeated message, or a twin read since) is not sent:
/// versions only go up. Nothing is queued for a device that is not connected, as IoT Hub does.
/// </summary>
public sealed class PushDesiredPropertiesConsumer(ConnectedDevices devices, DeviceSender sender) : IConsumer<DesiredPropertiesChanged>
{
    public async Task Consume(ConsumeContext<DesiredPropertiesChanged> context)
    {
        foreach (var change in context.Message.Devices.GroupBy(d => d.DeviceId).Select(g => g.MaxBy(d => d.Version)!))
        {
            if (!devices.TryGet(change.DeviceId, out _)) continue;
            var session = devices.Session(change.DeviceId);
            if (!session.Has(DeviceSubscription.DesiredProperties)) continue;
            await session.DesiredOrder.WaitAsync(context.CancellationToken);
            try
            {
                if (change.Version <= session.DesiredVersion) continue;
                if (JsonNode.Parse(change.DesiredJson) is not JsonObject now) continue;
                var patch = DesiredPatch.Between(session.DesiredValues, now, change.Version);
                if (await sender.SendAsync(change.DeviceId, DeviceTopic.DesiredPatch(change.Version), patch.ToJsonString()))
                {
                    session.Gave(change.Version, now);
                    GatewayMetrics.DesiredNotificationSent();
                }
            }
            finally
            {
                session.DesiredOrder.Release();
            }
        }
    }
}

/// <summary>
/// This instance's own queue of desired changes (<c>device-gateway-{instance}-desired-changes</c>, DeviceLayerQueues.DesiredChangesOf),
/// sent to and not bound to the event: an instance hears of its own devices' changes only, not of a whole fleet's
/// simulated ones. It expires five minutes after its instance stopped consuming: what it would gather then is for
/// devices that are no longer connected, which IoT Hub does not queue for either.
/// </summary>
public sealed class PushDesiredPropertiesConsumerDefinition : ConsumerDefinition<PushDesiredPropertiesConsumer>
{
    public PushDesiredPropertiesConsumerDefinition(DeviceGatewayOptions options) => Endpoint(e =>
    {
        e.Name = options.DesiredQueue;
        e.ConfigureConsumeTopology = false;
        e.PrefetchCount = 32;
        e.ConcurrentMessageLimit = 8;
    });

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<PushDesiredPropertiesConsumer> consumer,
        IRegistrationContext context)
    {
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.SetQueueArgument("x-expires", (int)TimeSpan.FromMinutes(5).TotalMilliseconds);
    }
}
