namespace Integration.Tests.Infrastructure;

/// <summary>
/// The whole system on a PostgreSQL primary with a synchronous standby (./run.sh --pg-standby) and a RabbitMQ of its own,
/// so that a spec may crash the primary and promote the standby under a running job.
/// </summary>
public sealed class SystemOnPostgresStandby() : SystemUnderTest(directory => new PrivateServers(Path.Combine(directory, "servers"), postgresStandby: true))
{
    private PrivateServers Servers => (PrivateServers)ServersInUse;

    public Task CrashPostgresPrimaryAsync() => Servers.CrashPostgresPrimaryAsync();

    public async Task PromotePostgresStandbyAsync()
    {
        await Servers.PromotePostgresStandbyAsync();
        // The spec's own pooled connections died with the primary.
        Database.Clear();
    }
}
