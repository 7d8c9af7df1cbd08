using System.Diagnostics;
using Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Integration.Tests.Faults;

/// <summary>
/// One node of a three-node RabbitMQ cluster crashes, or is stopped for maintenance, while a 2,000-device job runs: every
/// queue is a quorum queue (libs/Messaging/Bus.cs), so the two nodes left hold every message the services had confirmed,
/// and the services move their connections to them. The job completes while the node is away, and every device that
/// answered ends with its answer: nothing lost, no device run twice, statistics exact.
/// In the own-servers collection: never beside another spec with servers of its own, only beside the shared system's.
/// </summary>
[Collection(OwnServersCollection.Name)]
public sealed class RabbitMqClusterFaultSpecs(SystemOnRabbitMqCluster system, ITestOutputHelper output) : IClassFixture<SystemOnRabbitMqCluster>
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public Task A_job_completes_exactly_when_the_node_leading_its_results_queue_is_killed() =>
        CompletesWithTheNodeAwayAsync("kill -9 of the RabbitMQ node leading record-device-results (3-node cluster)", "node-kill",
            "record-device-results", system.KillRabbitMqNodeAsync, "job completed with the node down");

    [Fact]
    public Task A_job_completes_exactly_when_the_node_leading_the_command_queue_is_stopped() =>
        CompletesWithTheNodeAwayAsync("orderly stop of the RabbitMQ node leading invoke-device-methods (3-node cluster)", "node-stop",
            "invoke-device-methods", system.StopRabbitMqNodeAsync, "job completed with the node stopped");

    /// <summary>While results stream in, the node leading <paramref name="queue"/> goes away and stays away until the job ends.</summary>
    private async Task CompletesWithTheNodeAwayAsync(string fault, string name, string queue, Func<int, Task> takeAway, string measure)
    {
        var report = new RecoveryReport(output, fault);
        var jobId = await StreamingJob.StartAsync(system, name, _run);
        var node = await system.LeaderOfAsync(queue);

        var since = Stopwatch.StartNew();
        await takeAway(node);
        try
        {
            var rows = await KeptPromises.WhenFinishedAsync(system, jobId, StreamingJob.Devices, report, since, measure);
            Assert.All(rows.Values, r => Assert.True(r.Status == "completed", $"{r.DeviceId} ended {r.Status} {r.ErrorCode} instead of with its answer"));
        }
        finally
        {
            await system.StartRabbitMqNodeAsync(node);
        }
    }
}
