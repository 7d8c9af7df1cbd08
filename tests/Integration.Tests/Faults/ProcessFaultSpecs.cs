using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;
using Xunit.Abstractions;

namespace Integration.Tests.Faults;

/// <summary>
/// kill -9 of each service in turn during a running 2,000-device method job (the executor's own spec is in
/// ExactlyOnceSpecs): the job still completes with exact statistics, no device runs the method twice, none stays pending.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ProcessFaultSpecs(SystemUnderTest system, ITestOutputHelper output)
{
    private const int Devices = StreamingJob.Devices;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Schedulers_killed_during_fan_out_resume_it_after_restart_and_invoke_every_device_once()
    {
        var report = new RecoveryReport(output, "kill -9 of every scheduler during fan-out");
        var devices = await Fleet.CreateStaggeredAsync(system.Hub, $"fo-{_run}", Devices, _run, maxLatencyMs: 1000);
        var jobId = $"fanout-{_run}";
        await using (await FanOutBarrier.HoldAsync(system.Database, jobId, devices.Order(StringComparer.Ordinal).ElementAt(1500)))
        {
            (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{_run}'"))).EnsureStatus(HttpStatusCode.OK);
            await Ledger.EventuallyAsync(async () => (await Ledger.RowsAsync(system, jobId)).Count >= 1000);
            Assert.Equal("dispatching", await Ledger.ScheduleStateAsync(system, jobId));
            Assert.Equal(1000, (await Ledger.RowsAsync(system, jobId)).Count);
            await system.Services["scheduler-1"].KillAsync();
            await system.Services["scheduler-2"].KillAsync();
        }

        var restart = Stopwatch.StartNew();
        await Task.WhenAll(system.RestartAsync("scheduler-1"), system.RestartAsync("scheduler-2"));
        report.Record("schedulers ready again after restart", restart.Elapsed);
        await Ledger.EventuallyAsync(async () => (await Ledger.RowsAsync(system, jobId)).Count == Devices);
        report.Record("fan-out finished after restart", restart.Elapsed);
        var rows = await KeptPromises.WhenFinishedAsync(system, jobId, Devices, report, restart, "job completed after restart");
        Assert.All(rows.Values, r => Assert.Equal("completed", r.Status));
    }

    [Fact]
    public async Task Jobs_api_killed_while_results_stream_in_records_every_result_after_restart()
    {
        var report = new RecoveryReport(output, "kill -9 of jobs-api while results stream in");
        var job = await StreamingJob.StartHeldAsync(system, "api", _run);

        HubResponse down;
        Stopwatch restart;
        try
        {
            await using (job.SecondHalfBarrier)
            {
                await system.Services["jobs-api"].KillAsync();
                down = await system.Hub.GetAsync($"/jobs/v2/{job.JobId}");
            }
            // Released now, the second half is dispatched while nobody records results: its devices answer, a latency group
            // every 0.8 s, and their results pile up in the broker.
            await Ledger.EventuallyAsync(async () => await Ledger.AnswersNotRecordedAsync(system, job.JobId) >= 200);
        }
        finally
        {
            restart = Stopwatch.StartNew();
            await system.RestartAsync("jobs-api");
        }
        report.Record("jobs-api ready again after restart", restart.Elapsed);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
        Assert.Equal("ServiceUnavailable", down.Header("iothub-errorcode"));
        var rows = await KeptPromises.WhenFinishedAsync(system, job.JobId, Devices, report, restart, "job completed after restart");
        Assert.All(rows.Values, r => Assert.Equal("completed", r.Status));
    }

    [Fact]
    public async Task Device_sim_killed_mid_job_reports_the_calls_it_held_as_outcome_unknown_and_runs_the_rest_after_restart()
    {
        var report = new RecoveryReport(output, "kill -9 of device-sim mid-job");
        var job = await StreamingJob.StartHeldAsync(system, "sim", _run, responseTimeoutInSeconds: 10);

        Stopwatch killed;
        await using (job.SecondHalfBarrier)
        {
            await system.Services["device-sim"].KillAsync();
            killed = Stopwatch.StartNew();
        }
        // Released while device-sim is down: the second half is dispatched now, and only the restarted device-sim runs it.
        await system.RestartAsync("device-sim");
        report.Record("device-sim ready again after restart", killed.Elapsed);
        var rows = await KeptPromises.WhenFinishedAsync(system, job.JobId, Devices, report, killed, "job completed after the kill");

        // The calls device-sim held unanswered when it died may have run on their devices: outcome unknown, never "not
        // online", never called again (KeptPromises).
        var unanswered = await Ledger.CallsNeverAnsweredAsync(system, job.JobId);
        Assert.True(unanswered.Count > 0, "precondition: device-sim held calls whose devices had not answered yet when it was killed");
        Assert.All(unanswered, id => Assert.Equal(("failed", "DeviceOperationOutcomeUnknown"), (rows[id].Status, rows[id].ErrorCode)));
        Assert.All(rows.Values.Where(r => r.Status == "failed"), r => Assert.Equal("DeviceOperationOutcomeUnknown", r.ErrorCode));
        Assert.All(job.SecondHalf, id => Assert.Equal("completed", rows[id].Status));
    }

    [Fact]
    public async Task A_direct_method_whose_answer_dies_with_device_sim_answers_outcome_unknown_not_a_timeout()
    {
        // The device runs for 9 of the call's 10 s: long enough for the spec to see it running and kill device-sim first.
        var device = (await Fleet.CreateAsync(system.Hub, $"lost-{_run}", 1, new JsonObject { ["sim"] = new JsonObject { ["latencyMs"] = 9000 } })).Single();
        var call = system.Hub.PostAsync($"/twins/{device}/methods", new JsonObject { ["methodName"] = "reboot", ["responseTimeoutInSeconds"] = 10 });
        await Ledger.EventuallyAsync(async () => await Ledger.ExecutionsOutsideJobsAsync(system, device) == 1);

        await system.Services["device-sim"].KillAsync();
        HubResponse response;
        try
        {
            response = await call;
        }
        finally
        {
            await system.RestartAsync("device-sim");
        }
        Assert.False(await Ledger.AnsweredOutsideJobsAsync(system, device),
            "precondition: device-sim died while its device still ran the method, but the device had answered first");
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.Status);
        var error = JsonNode.Parse((string)response.Json["Message"]!)!;
        Assert.Equal(504102, (int)error["errorCode"]!);
        Assert.Equal("DeviceOperationOutcomeUnknown", response.Header("iothub-errorcode"));
        Assert.Equal(1, await Ledger.ExecutionsOutsideJobsAsync(system, device));
    }
}
