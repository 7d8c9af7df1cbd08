using MassTransit;

namespace Executor.Twins;

public sealed class UpdateDeviceTwinsConsumerDefinition : ConsumerDefinition<UpdateDeviceTwinsConsumer>
{
    public UpdateDeviceTwinsConsumerDefinition()
    {
        Endpoint(e =>
        {
            e.Name = "update-device-twins";
            e.PrefetchCount = 16;
            // Each message is a chunk of devices in one short transaction: a few in parallel per executor fill two cores.
            e.ConcurrentMessageLimit = 8;
        });
    }
}
