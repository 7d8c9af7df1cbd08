using System.Diagnostics;
using System.Net;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;
using Xunit.Abstractions;

namespace Integration.Tests.Faults;

/// <summary>
/// Every service replicated, and one replica of each killed (kill -9) in turn while a 20,000-device job runs: the job
/// completes exactly, starts once, runs every device once, and the replicas left say they are ready — what an operator
/// running replicas in Kubernetes counts on (docs/scaling.md).
/// In the own-servers collection: never beside another spec with servers of its own, only beside the shared system's.
/// </summary>
[Collection(OwnServersCollection.Name)]
public sealed class ReplicaFaultSpecs(ReplicatedSystem system, ITestOutputHelper output) : IClassFixture<ReplicatedSystem>
{
    private const int Devices = 20_000;
    private static readonly string[] KilledInTurn = ["gateway", "jobs-api", "scheduler-1", "executor-1", "device-gateway"];
    private static readonly string[] Survivors = ["jobs-api-2", "scheduler-2", "executor-2", "executor-3", "device-gateway-2", "device-sim"];

    [Fact]
    public async Task A_job_completes_exactly_while_one_replica_of_every_service_is_killed_in_turn()
    {
        var report = new RecoveryReport(output, "kill -9 of one replica of each service in turn, 20,000 devices");
        var run = Guid.NewGuid().ToString("N")[..8];
        var jobId = $"replicas-{run}";
        // Answers spread over 30 s, a tenth of the devices every 3 s: devices go on answering through all five kills.
        await Fleet.CreateStaggeredAsync(system.Hub, jobId, Devices, run, maxLatencyMs: 30_000);
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{run}'", responseTimeoutInSeconds: 60)))
            .EnsureStatus(HttpStatusCode.OK);
        // The client's other address, for when the first gateway is gone.
        using var hub = system.HubThrough("gateway-2");

        var since = Stopwatch.StartNew();
        foreach (var replica in KilledInTurn)
        {
            // Some progress between kills, so that each one lands while devices are answering.
            var completed = await CompletedAsync(jobId);
            await Ledger.EventuallyAsync(async () => await CompletedAsync(jobId) >= completed + Devices / 40, TimeSpan.FromMinutes(3));
            await system.Services[replica].KillAsync();
            report.Record($"{replica} killed", since.Elapsed);
        }
        Assert.True(await CompletedAsync(jobId) < Devices, "precondition: devices were still answering when the last replica was killed");

        var job = await Fleet.WaitUntilFinishedAsync(hub, jobId, TimeSpan.FromMinutes(5));
        report.Record("job completed", since.Elapsed);
        var rows = await KeptPromises.AssertAsync(system, jobId, job, Devices);
        report.RecordOutcomes(rows);
        Assert.All(rows.Values, r => Assert.True(r.Status == "completed", $"{r.DeviceId} ended {r.Status} {r.ErrorCode} instead of with its answer"));
        Assert.Equal(1, await StartsAsync(jobId));
        foreach (var survivor in Survivors) Assert.Equal(HttpStatusCode.OK, await ReadinessAsync(survivor));
        Assert.Equal(HttpStatusCode.OK, (await hub.GetAsync("/health/ready")).Status);
    }

    private async Task<long> CompletedAsync(string jobId)
    {
        await using var cmd = system.Database.CreateCommand("select count(*) from dispatch.device_jobs where job_id = $1 and status = 'completed'");
        cmd.Parameters.AddWithValue(jobId);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>How often the job started: its JobStarted events in the event store.</summary>
    private async Task<long> StartsAsync(string jobId)
    {
        await using var cmd = system.Database.CreateCommand("select count(*) from jobs.mt_events where stream_id = $1 and type = 'job_started'");
        cmd.Parameters.AddWithValue(jobId);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<HttpStatusCode> ReadinessAsync(string service)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return (await http.GetAsync(new Uri(system.ServiceUrl(service), "/health/ready"))).StatusCode;
    }
}
