namespace Integration.Tests.Infrastructure;

/// <summary>
/// The whole system on a PostgreSQL and RabbitMQ of its own, so that a spec may crash and restart them without
/// disturbing the specs that run on the shared servers.
/// </summary>
public sealed class SystemOnPrivateServers() : SystemUnderTest(directory => new PrivateServers(Path.Combine(directory, "servers")))
{
    public PrivateServers Servers => (PrivateServers)ServersInUse;
}
