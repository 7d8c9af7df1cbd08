using System.Diagnostics;
using System.Net;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;
using Xunit.Abstractions;

namespace Integration.Tests.Faults;

/// <summary>
/// The PostgreSQL primary crashes mid-job and its synchronous standby is promoted (./run.sh --pg-standby): the services
/// connect to both and use the one that accepts writes, so they follow the failover without a restart. Every write the
/// API acknowledged before the crash is on the standby; the job completes exactly.
/// In the own-servers collection: never beside another spec with servers of its own, only beside the shared system's.
/// </summary>
[Collection(OwnServersCollection.Name)]
public sealed class PostgresFailoverSpecs(SystemOnPostgresStandby system, ITestOutputHelper output) : IClassFixture<SystemOnPostgresStandby>
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_job_completes_exactly_after_the_primary_crashed_and_the_standby_was_promoted()
    {
        var report = new RecoveryReport(output, "PostgreSQL primary crash and standby promotion mid-job");
        var jobId = await StreamingJob.StartAsync(system, "failover", _run);
        // Acknowledged the moment before the crash: it must be on the standby.
        var acknowledged = $"acknowledged-{_run}";
        (await system.Hub.PutAsync($"/jobs/v2/{acknowledged}", Fleet.MethodJob(acknowledged, $"tags.run = 'none-{_run}'", startTime: DateTimeOffset.UtcNow.AddHours(1))))
            .EnsureStatus(HttpStatusCode.OK);

        var failover = Stopwatch.StartNew();
        await system.CrashPostgresPrimaryAsync();
        var duringSwitch = await system.Hub.GetAsync($"/jobs/v2/{jobId}");
        await system.PromotePostgresStandbyAsync();
        report.Record("standby promoted", failover.Elapsed);

        await Outage.EventuallyAcceptedAsync(() => system.Hub.GetAsync($"/jobs/v2/{jobId}"));
        report.Record("API answering again after the crash", failover.Elapsed);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, duringSwitch.Status);
        Assert.Equal("ServiceUnavailable", duringSwitch.Header("iothub-errorcode"));

        var rows = await KeptPromises.WhenFinishedAsync(system, jobId, StreamingJob.Devices, report, failover, "job completed after the failover");
        Assert.All(rows.Values, r => Assert.True(r.Status == "completed", $"{r.DeviceId} ended {r.Status} {r.ErrorCode} instead of with its answer"));
        var kept = await system.Hub.GetAsync($"/jobs/v2/{acknowledged}");
        Assert.Equal(HttpStatusCode.OK, kept.Status);
        Assert.Contains((string?)kept.Json["status"], new[] { "queued", "scheduled" });
    }
}
