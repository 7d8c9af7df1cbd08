namespace Integration.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL and a RabbitMQ of their own, from the OS packages, started the way ./run.sh starts them
/// (scripts/infra.sh) in a folder of the test run, on free ports. Unlike the servers shared by the whole run, these
/// may be stopped and started again by a spec: the fault specs crash and restart them under a running system.
/// </summary>
public sealed class PrivateServers(string directory) : ITestServers
{
    private readonly Dictionary<string, string> _environment = new()
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
    };

    public string Postgres { get; private set; } = "";
    public string RabbitMq { get; private set; } = "";
    public string? RabbitMqManagement => null;

    public async Task StartAsync()
    {
        var output = await RunAsync("ensure_packages; start_postgres; start_rabbitmq; echo \"PG=$IOTHUB_PG_CONNECTION\"; echo \"MQ=$IOTHUB_RABBITMQ_URI\"");
        Postgres = Value(output, "PG=");
        RabbitMq = Value(output, "MQ=");
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
        var (exitCode, output) = await Bash.RunAsync($". scripts/infra.sh && infra_init && {commands}", _environment.Select(e => (e.Key, e.Value)).ToArray());
        return exitCode == 0 ? output : throw new InvalidOperationException($"scripts/infra.sh ({commands}) failed with exit {exitCode}:\n{output}");
    }

    private static string Value(string output, string prefix) =>
        output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..]
        ?? throw new InvalidOperationException($"scripts/infra.sh printed no {prefix} line");
}
