using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;
using Xunit.Abstractions;

namespace Integration.Tests.Faults;

/// <summary>
/// PostgreSQL crashed and restarted, RabbitMQ restarted, under a running system of its own: what the API answers
/// meanwhile, and that every service resumes by itself, with no job or result lost and no device invoked twice.
/// In the own-servers collection: never beside another spec with servers of its own, only beside the shared system's.
/// </summary>
[Collection(OwnServersCollection.Name)]
public sealed class InfrastructureFaultSpecs(SystemOnPrivateServers system, ITestOutputHelper output) : IClassFixture<SystemOnPrivateServers>
{
    private const int Devices = StreamingJob.Devices;
    private static readonly TimeSpan OutageLongerThanQuickRetries = TimeSpan.FromSeconds(15);
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Job_creation_answers_503_while_PostgreSQL_is_down_and_works_again_when_it_returns()
    {
        var report = new RecoveryReport(output, "PostgreSQL down, no job running");
        await system.StopPostgresAsync();
        try
        {
            var refused = await system.Hub.PutAsync($"/jobs/v2/down-{_run}", Fleet.MethodJob($"down-{_run}", "*"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
            Assert.Equal("ServiceUnavailable", refused.Header("iothub-errorcode"));
            Assert.StartsWith("ErrorCode:ServiceUnavailable;", (string?)refused.Json["Message"]);
            foreach (var service in new[] { "jobs-api", "scheduler-1", "executor-1", "device-sim" })
                Assert.Equal(HttpStatusCode.ServiceUnavailable, await ReadinessAsync(service));
        }
        finally
        {
            await system.StartPostgresAsync();
        }

        var back = Stopwatch.StartNew();
        var jobId = $"after-{_run}";
        await Outage.EventuallyAcceptedAsync(() => system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{_run}'")));
        report.Record("job creation accepted again after PostgreSQL started", back.Elapsed);
        Assert.Equal("completed", (string?)(await Fleet.WaitUntilFinishedAsync(system.Hub, jobId))["status"]);
        Assert.Equal(HttpStatusCode.OK, await ReadinessAsync("jobs-api"));
        Assert.Equal(HttpStatusCode.NotFound, (await system.Hub.GetAsync($"/jobs/v2/down-{_run}")).Status);
    }

    [Fact]
    public async Task A_job_survives_a_PostgreSQL_crash_and_restart_while_it_runs()
    {
        var report = new RecoveryReport(output, "PostgreSQL crash and restart mid-job");
        var jobId = await StreamingJob.StartAsync(system, "pg", _run);

        await system.StopPostgresAsync();
        var restart = Stopwatch.StartNew();
        var whileDown = await system.Hub.GetAsync($"/jobs/v2/{jobId}");
        // Long enough that results must wait for the database through several retries, not only retry past a blip.
        await Task.Delay(OutageLongerThanQuickRetries);
        await system.StartPostgresAsync();
        report.Record("outage (crash to PostgreSQL accepting connections)", restart.Elapsed);

        await Outage.EventuallyAcceptedAsync(() => system.Hub.GetAsync($"/jobs/v2/{jobId}"));
        report.Record("API answering again after the crash", restart.Elapsed);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileDown.Status);
        await KeptPromises.WhenFinishedAsync(system, jobId, Devices, report, restart, "job completed after the crash");
    }

    [Fact]
    public async Task A_job_survives_a_RabbitMQ_restart_while_it_runs_and_jobs_created_meanwhile_start_after_it()
    {
        var report = new RecoveryReport(output, "RabbitMQ restart mid-job");
        var jobId = await StreamingJob.StartAsync(system, "mq", _run);

        var restart = Stopwatch.StartNew();
        await system.StopRabbitMqAsync();
        report.Record("broker stopped", restart.Elapsed);
        // Job creation only writes PostgreSQL: it goes on while the broker is away, and the job starts once it is back.
        var createdMeanwhile = $"mq-meanwhile-{_run}";
        var created = await system.Hub.PutAsync($"/jobs/v2/{createdMeanwhile}",
            Fleet.MethodJob(createdMeanwhile, $"tags.run = '{_run}' AND deviceId > 'mq-{_run}-9'"));
        await system.StartRabbitMqAsync();
        created.EnsureStatus(HttpStatusCode.OK);
        report.Record("broker started again", restart.Elapsed);

        // Every device is online: each one reached before or after the restart must end with its own answer, none with a fault code.
        var rows = await KeptPromises.WhenFinishedAsync(system, jobId, Devices, report, restart, "running job completed");
        Assert.All(rows.Values, r => Assert.True(r.Status == "completed", $"{r.DeviceId} ended {r.Status} {r.ErrorCode} instead of with its answer"));
        var meanwhile = await KeptPromises.WhenFinishedAsync(system, createdMeanwhile, Devices / 10, report, restart, "job created during the outage completed");
        Assert.All(meanwhile.Values, r => Assert.True(r.Status == "completed", $"{r.DeviceId} ended {r.Status} {r.ErrorCode} instead of with its answer"));
    }

    [Fact]
    public async Task Calls_the_broker_delivers_again_after_its_connections_dropped_run_no_device_a_second_time()
    {
        var report = new RecoveryReport(output, "broker connections dropped while devices run");
        const int devices = 500;
        // Slow enough that no device has answered when the broker, which needs a few seconds to run its control tool, closes the connections.
        await Fleet.CreateAsync(system.Hub, $"drop-{_run}", devices, new JsonObject { ["run"] = _run, ["sim"] = new JsonObject { ["latencyMs"] = 20000 } });
        var jobId = $"drop-{_run}";
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{_run}'"))).EnsureStatus(HttpStatusCode.OK);
        // Every device claimed and running: its delivery is in device-sim's hands, not yet acknowledged.
        await Ledger.EventuallyAsync(async () => (await Ledger.RowsAsync(system, jobId)).Values.Count(r => r.Status == "running") == devices);
        var repeatedBefore = await RepeatedCallsAsync();

        var dropped = Stopwatch.StartNew();
        var closed = await system.CloseBrokerConnectionsAsync();
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(closed, @"Closed [1-9]\d* connections"), $"precondition: the broker closed the services' connections ({closed.Trim()})");
        Assert.True((await Ledger.CallsNeverAnsweredAsync(system, jobId)).Count == devices, "precondition: every device was still running its call when the connections closed");
        var rows = await KeptPromises.WhenFinishedAsync(system, jobId, devices, report, dropped, "job completed after the drop");

        var repeatedAfter = await RepeatedCallsAsync();
        Assert.True(repeatedAfter > repeatedBefore, $"precondition: the broker delivered device-sim's unacknowledged calls again ({repeatedBefore} -> {repeatedAfter})");
        Assert.All(rows.Values, r => Assert.True(r.Status == "completed", $"{r.DeviceId} ended {r.Status} {r.ErrorCode} instead of with its answer"));
    }

    [Fact]
    public async Task A_fan_out_chunk_committed_but_never_published_is_sent_again_after_every_scheduler_died()
    {
        var report = new RecoveryReport(output, "kill -9 of every scheduler between a chunk's commit and its publish");
        const int devices = 1500;
        var ids = await Fleet.CreateAsync(system.Hub, $"unsent-{_run}", devices, new JsonObject { ["run"] = $"unsent-{_run}" });
        var jobId = $"unsent-{_run}";
        Stopwatch restart;
        try
        {
            // The second (last) chunk waits at the barrier inside its transaction; the first is committed and sent.
            await using (var barrier = await FanOutBarrier.HoldAsync(system.Database, jobId, ids.Order(StringComparer.Ordinal).ElementAt(1200)))
            {
                (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = 'unsent-{_run}'"))).EnsureStatus(HttpStatusCode.OK);
                await Ledger.EventuallyAsync(async () => (await Ledger.RowsAsync(system, jobId)).Count == 1000);
                // With publishing blocked, the released chunk commits its device jobs and its range as unsent, and its publish waits.
                await system.BlockPublishersAsync();
            }
            await Ledger.EventuallyAsync(async () => (await Ledger.RowsAsync(system, jobId)).Count == devices);
            await system.Services["scheduler-1"].KillAsync();
            await system.Services["scheduler-2"].KillAsync();
            Assert.True(await UnsentRangeAsync(jobId) is not null, "precondition: the last chunk was committed but its commands never published");
        }
        finally
        {
            await system.UnblockPublishersAsync();
        }

        restart = Stopwatch.StartNew();
        await Task.WhenAll(system.RestartAsync("scheduler-1"), system.RestartAsync("scheduler-2"));
        var rows = await KeptPromises.WhenFinishedAsync(system, jobId, devices, report, restart, "job completed after the schedulers restarted");
        Assert.All(rows.Values, r => Assert.Equal("completed", r.Status));
        // The killed scheduler's blocked publish may still reach the broker (its bytes were on the socket) and complete the
        // job first; the restarted schedulers send the range again once it is older than FanOutChunk.UnsentGrace, and clear it.
        await Ledger.EventuallyAsync(async () => await UnsentRangeAsync(jobId) is null);
        // Sent twice then, the commands still ran no device a second time.
        Assert.All(await Ledger.ExecutionsAsync(system, jobId), i => Assert.True(i.Value == 1, $"{i.Key} ran the method {i.Value} times"));
    }

    private async Task<string?> UnsentRangeAsync(string jobId)
    {
        await using var cmd = system.Database.CreateCommand("select unsent_through from scheduler.job_schedules where job_id = $1");
        cmd.Parameters.AddWithValue(jobId);
        return await cmd.ExecuteScalarAsync() as string;
    }

    /// <summary>How many deliveries of a call id it had seen before device-sim answered without running anything (its Prometheus counter).</summary>
    private Task<double> RepeatedCallsAsync() => Prometheus.SumAsync(system, "iothub_device_calls_repeated_total", "device-sim");

    private async Task<HttpStatusCode> ReadinessAsync(string service)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return (await http.GetAsync(new Uri(system.ServiceUrl(service), "/health/ready"))).StatusCode;
    }
}
