namespace Integration.Tests.Infrastructure;

/// <summary>
/// The specs that start servers or a whole hub of their own (a private PostgreSQL and RabbitMQ, a RabbitMQ cluster, a
/// PostgreSQL standby, a replicated system, ./run.sh). xUnit runs as many tests at once as the machine has cores and
/// gives a free slot to any waiting collection, so as separate collections two of these heavy specs could take both
/// slots and hold back the shared system's specs for minutes. In one collection they run one after another, each class's
/// fixture disposed before the next one starts, beside the shared system's collection.
/// </summary>
[CollectionDefinition(Name)]
public sealed class OwnServersCollection
{
    public const string Name = "own servers";
}
