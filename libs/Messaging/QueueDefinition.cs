using MassTransit;

namespace IotHubJobs.Messaging;

/// <summary>
/// A consumer's queue, set the same way everywhere: its name, how many messages the broker hands out ahead
/// (<paramref name="prefetchCount"/>) and how many run at once (<paramref name="concurrentMessageLimit"/>).
/// </summary>
public abstract class QueueDefinition<TConsumer> : ConsumerDefinition<TConsumer> where TConsumer : class, IConsumer
{
    protected QueueDefinition(string queue, int prefetchCount, int concurrentMessageLimit) => Endpoint(e =>
    {
        e.Name = queue;
        e.PrefetchCount = prefetchCount;
        e.ConcurrentMessageLimit = concurrentMessageLimit;
    });
}
