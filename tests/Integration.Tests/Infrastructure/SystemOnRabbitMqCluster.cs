namespace Integration.Tests.Infrastructure;

/// <summary>
/// The whole system on a PostgreSQL of its own and a RabbitMQ cluster of three nodes (./run.sh --rabbitmq-nodes 3), so
/// that a spec may crash or stop a node under a running job.
/// </summary>
public sealed class SystemOnRabbitMqCluster() : SystemUnderTest(directory => new PrivateServers(Path.Combine(directory, "servers"), rabbitMqNodes: 3))
{
    private PrivateServers Servers => (PrivateServers)ServersInUse;

    public Task KillRabbitMqNodeAsync(int node) => Servers.KillRabbitMqNodeAsync(node);
    public Task StopRabbitMqNodeAsync(int node) => Servers.StopRabbitMqNodeAsync(node);
    public Task StartRabbitMqNodeAsync(int node) => Servers.StartRabbitMqNodeAsync(node);
    public Task<int> LeaderOfAsync(string queue) => Servers.LeaderOfAsync(queue);
}
