namespace Integration.Tests.Infrastructure;

/// <summary>
/// The whole system with every service replicated: two gateways, two jobs-api, two schedulers, three executors, two
/// device gateways, and device-sim — on a PostgreSQL and RabbitMQ of its own: two systems on one virtual host would
/// consume each other's messages.
/// </summary>
public sealed class ReplicatedSystem() : SystemUnderTest(directory => new PrivateServers(Path.Combine(directory, "servers")),
    new Replicas(Gateways: 2, JobsApis: 2, Schedulers: 2, Executors: 3, DeviceGateways: 2));
