using MassTransit;

namespace DeviceSim.Twins;

public sealed class AcknowledgeDesiredPropertiesConsumerDefinition : ConsumerDefinition<AcknowledgeDesiredPropertiesConsumer>
{
    public AcknowledgeDesiredPropertiesConsumerDefinition()
    {
        Endpoint(e =>
        {
            e.Name = "acknowledge-desired-properties";
            e.PrefetchCount = 32;
            e.ConcurrentMessageLimit = 8;
        });
    }
}
