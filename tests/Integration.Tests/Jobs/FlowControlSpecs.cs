using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Faults;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.Jobs;

/// <summary>
/// A job's fan-out waits while its window of unfinished device jobs is full (docs/jobs.md, "Flow control"). The fixture's
/// window is 3,000 device jobs (<c>Scheduler__UnfinishedDeviceJobsPerJob</c> in SystemUnderTest).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class FlowControlSpecs(SystemUnderTest system)
{
    private const int Window = 3000;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_job_dispatches_no_more_than_its_window_while_no_device_answers_and_the_rest_once_they_do()
    {
        var devices = await Fleet.CreateAsync(system.Hub, $"flow-{_run}", 7000, new JsonObject { ["run"] = _run });
        var jobId = $"flow-{_run}";
        await using (var devicesDown = await DeviceLayerDown.StopAsync(system))
        {
            (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{_run}'"))).EnsureStatus(HttpStatusCode.OK);
            await Ledger.EventuallyAsync(async () => (await Ledger.ScheduleAsync(system, jobId))?.DispatchedCount == Window);

            // The schedulers come by the job again and again and find its window full: the ledger stays at the window.
            var waits = await FanOutWaitsAsync();
            await Ledger.EventuallyAsync(async () => await FanOutWaitsAsync() >= waits + 10);
            Assert.Equal(Window, (await Ledger.ScheduleAsync(system, jobId))!.DispatchedCount);
            Assert.Equal(Window, (await Ledger.RowsAsync(system, jobId)).Count);
            Assert.Equal("running", (string?)(await system.Hub.GetAsync($"/jobs/v2/{jobId}")).Json["status"]);
        }

        // The devices back, results free the window a chunk at a time until every device has run once.
        var job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        Assert.Equal("""{"deviceCount":7000,"failedCount":0,"succeededCount":7000,"runningCount":0,"pendingCount":0}""", job["deviceJobStatistics"]!.ToJsonString());
        var executions = await Ledger.ExecutionsAsync(system, jobId);
        Assert.Equal(devices.Count, executions.Count);
        Assert.All(executions.Values, n => Assert.Equal(1, n));
    }

    private Task<double> FanOutWaitsAsync() => Prometheus.SumAsync(system, "iothub_scheduler_fanout_waits_total", "scheduler-1", "scheduler-2");
}
