namespace Integration.Tests.Infrastructure;

/// <summary>
/// The whole system on a PostgreSQL and RabbitMQ of its own, so that a spec may crash and restart them without
/// disturbing the specs that run on the shared servers.
/// </summary>
public sealed class SystemOnPrivateServers() : SystemUnderTest(directory => new PrivateServers(Path.Combine(directory, "servers")))
{
    private PrivateServers Servers => (PrivateServers)ServersInUse;

    /// <summary>Crashes PostgreSQL (pg_ctl stop -m immediate: no checkpoint, recovery from the WAL at the next start).</summary>
    public Task StopPostgresAsync() => Servers.StopPostgresAsync();

    public async Task StartPostgresAsync()
    {
        await Servers.StartPostgresAsync();
        // The spec's own pooled connections died with the server.
        Database.Clear();
    }

    public Task StopRabbitMqAsync() => Servers.StopRabbitMqAsync();
    public Task StartRabbitMqAsync() => Servers.StartRabbitMqAsync();
    public Task<string> CloseBrokerConnectionsAsync() => Servers.CloseBrokerConnectionsAsync();
    public Task BlockPublishersAsync() => Servers.BlockPublishersAsync();
    public Task UnblockPublishersAsync() => Servers.UnblockPublishersAsync();
}
