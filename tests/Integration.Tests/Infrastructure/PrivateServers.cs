namespace Integration.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL and a RabbitMQ of their own, from the OS packages, started the way ./run.sh starts them
/// (scripts/infra.sh) in a folder of the test run, on free ports. Unlike the servers shared by the whole run, these
/// may be stopped and started again by a spec: the fault specs crash and restart them under a running system.
/// With <paramref name="rabbitMqNodes"/> above 1, RabbitMQ is a cluster of that many nodes (./run.sh --rabbitmq-nodes);
/// with <paramref name="postgresStandby"/>, PostgreSQL has a synchronous standby (./run.sh --pg-standby).
/// </summary>
public sealed class PrivateServers(string directory, int rabbitMqNodes = 1, bool postgresStandby = false) : ITestServers
{
    private readonly Dictionary<string, string> _environment = new Dictionary<string, string>
    {
        ["IOTHUB_LOCAL_DIR"] = directory,
        ["IOTHUB_PG_PORT"] = SystemUnderTest.FreePort().ToString(),
        ["IOTHUB_RABBITMQ_PORT"] = SystemUnderTest.FreePort().ToString(),
        ["IOTHUB_RABBITMQ_DIST_PORT"] = SystemUnderTest.FreePort().ToString(),
        ["IOTHUB_EPMD_PORT"] = SystemUnderTest.FreePort().ToString(),
        ["IOTHUB_RABBITMQ_VHOST"] = "iothub-faults",
        // Durable, whatever the caller exported: a crash must not lose committed work.
        ["IOTHUB_PG_FAST"] = "0",
        // A crash, not a polite shutdown: PostgreSQL recovers from its WAL when it starts again.
        ["IOTHUB_PG_STOP_MODE"] = "immediate",
        ["IOTHUB_RABBITMQ_NODES"] = rabbitMqNodes.ToString(),
        ["IOTHUB_PG_STANDBY"] = postgresStandby ? "1" : "0",
        ["IOTHUB_PG_STANDBY_PORT"] = SystemUnderTest.FreePort().ToString(),
    }.Concat(Enumerable.Range(2, Math.Max(0, rabbitMqNodes - 1)).SelectMany(node => new[]
    {
        KeyValuePair.Create($"IOTHUB_RABBITMQ_PORT_{node}", SystemUnderTest.FreePort().ToString()),
        KeyValuePair.Create($"IOTHUB_RABBITMQ_DIST_PORT_{node}", SystemUnderTest.FreePort().ToString()),
    })).ToDictionary();

    public string Postgres { get; private set; } = "";
    public string RabbitMq { get; private set; } = "";
    public string? RabbitMqManagement => null;
    public string? RabbitMqClusterNodes { get; private set; }

    public async Task StartAsync()
    {
        var output = await RunAsync("ensure_packages; start_postgres; start_rabbitmq; echo \"PG=$IOTHUB_PG_CONNECTION\"; echo \"MQ=$IOTHUB_RABBITMQ_URI\"; echo \"NODES=$IOTHUB_RABBITMQ_CLUSTER_NODES\"");
        Postgres = Value(output, "PG=");
        RabbitMq = Value(output, "MQ=");
        if (rabbitMqNodes > 1) RabbitMqClusterNodes = Value(output, "NODES=");
    }

    public Task StopPostgresAsync() => RunAsync("stop_postgres");
    public Task StartPostgresAsync() => RunAsync("start_postgres");
    public Task StopRabbitMqAsync() => RunAsync("stop_rabbitmq");
    public Task StartRabbitMqAsync() => RunAsync("start_rabbitmq");
    /// <summary>The broker closes every client connection at once (as a network blip or a failover would); unacknowledged deliveries are redelivered.</summary>
    /// <summary>
    /// Sets the broker's memory alarm off at once: RabbitMQ then blocks every connection that publishes (consumers go on
    /// receiving), as it does when its memory runs short, until <see cref="UnblockPublishersAsync"/>.
    /// </summary>
    public Task BlockPublishersAsync() => RunAsync("rmqctl set_vm_memory_high_watermark 0");
    public Task UnblockPublishersAsync() => RunAsync("rmqctl set_vm_memory_high_watermark 0.4");
    /// <summary>The primary crashes (pg_ctl stop -m immediate); the standby, if any, stays.</summary>
    public Task CrashPostgresPrimaryAsync() => RunAsync("crash_pg_primary");
    /// <summary>The standby becomes the primary (pg_ctl promote).</summary>
    public Task PromotePostgresStandbyAsync() => RunAsync("promote_pg_standby");

    /// <summary>Node <paramref name="node"/> (1..N) of the cluster crashes: kill -9 of its Erlang VM.</summary>
    public Task KillRabbitMqNodeAsync(int node) => RunAsync($"kill_rabbitmq_node {node}");
    /// <summary>Node <paramref name="node"/> shuts down in order (rabbitmqctl stop), as for maintenance.</summary>
    public Task StopRabbitMqNodeAsync(int node) => RunAsync($"with_rmq_node {node} stop_rabbitmq_node");
    /// <summary>Node <paramref name="node"/> starts again and rejoins its cluster.</summary>
    public Task StartRabbitMqNodeAsync(int node) => RunAsync($"restart_rabbitmq_node {node}");

    /// <summary>The node (1..N) that leads the quorum queue <paramref name="queue"/> of the system's virtual host.</summary>
    public async Task<int> LeaderOfAsync(string queue)
    {
        var vhost = new Uri(RabbitMq).AbsolutePath.TrimStart('/');
        var output = await RunAsync(
            $"leader=\"$(rmqctl list_queues -p '{vhost}' name leader | awk -v q='{queue}' '$1 == q {{print $2}}')\"; echo \"LEADER=$(rmq_node_number \"$leader\")\"");
        return int.Parse(Value(output, "LEADER="));
    }

    /// <returns>rabbitmqctl's report, e.g. "Closed 9 connections".</returns>
    public Task<string> CloseBrokerConnectionsAsync() => RunAsync("rmqctl close_all_connections --global 'closed by a fault spec'");

    public async ValueTask DisposeAsync()
    {
        if (Postgres == "" && RabbitMq == "") return;
        await RunAsync("stop_rabbitmq; stop_postgres");
    }

    /// <summary>Runs infra.sh functions in bash; they exit non-zero (die) with the reason on stderr.</summary>
    private async Task<string> RunAsync(string commands)
    {
        // Six minutes: starting a server takes seconds, but a RabbitMQ node once needed more than three on a machine whose
        // load stood at a hundred.
        var (exitCode, output) = await Bash.RunAsync($". scripts/infra.sh && infra_init && {commands}", TimeSpan.FromMinutes(6),
            _environment.Select(e => (e.Key, e.Value)).ToArray());
        return exitCode == 0 ? output : throw new InvalidOperationException($"scripts/infra.sh ({commands}) failed with exit {exitCode}:\n{output}");
    }

    private static string Value(string output, string prefix) =>
        output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..]
        ?? throw new InvalidOperationException($"scripts/infra.sh printed no {prefix} line");
}
