using MassTransit;

namespace JobsApi.Twins;

public sealed class RecordReportedPropertiesDefinition : ConsumerDefinition<RecordReportedProperties>
{
    public RecordReportedPropertiesDefinition()
    {
        Endpoint(e =>
        {
            e.Name = "record-reported-properties";
            e.PrefetchCount = 16;
            // Each message already carries a chunk of devices; a few in parallel keep PostgreSQL busy without piling up locks.
            e.ConcurrentMessageLimit = 4;
        });
    }
}
