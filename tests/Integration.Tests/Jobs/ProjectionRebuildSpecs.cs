using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Tests.Faults;
using Integration.Tests.Infrastructure;
using JobsApi.Jobs;
using Marten;

namespace Integration.Tests.Jobs;

/// <summary>
/// A job's document is only what its events say: aggregated again from the stream, every finished job — with device
/// failures, cut by its execution deadline, cancelled while running — is exactly the document the service keeps.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ProjectionRebuildSpecs(SystemUnderTest system)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_job_with_failing_devices_rebuilt_from_its_events_is_the_document_the_service_keeps()
    {
        await Fleet.CreateAsync(system.Hub, $"rb-ok-{_run}", 2, new JsonObject { ["run"] = _run, ["sim"] = new JsonObject() });
        await Fleet.CreateAsync(system.Hub, $"rb-off-{_run}", 2, new JsonObject { ["run"] = _run, ["sim"] = new JsonObject { ["offline"] = true } });
        await Fleet.CreateAsync(system.Hub, $"rb-err-{_run}", 2, new JsonObject { ["run"] = _run, ["sim"] = new JsonObject { ["methodStatus"] = 500 } });
        var jobId = $"rb-fail-{_run}";
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{_run}'"))).EnsureStatus(HttpStatusCode.OK);
        var job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);

        Assert.Equal(2, (int)job["deviceJobStatistics"]!["failedCount"]!);
        await AssertRebuildsAsync(jobId);
    }

    [Fact]
    public async Task A_job_cut_by_its_execution_deadline_rebuilt_from_its_events_is_the_document_the_service_keeps()
    {
        await Fleet.CreateAsync(system.Hub, $"rb-late-{_run}", 3, new JsonObject { ["run"] = $"late-{_run}" });
        var jobId = $"rb-deadline-{_run}";
        // No device can answer while the device layer is down: the deadline surely comes first.
        await using (await DeviceLayerDown.StopAsync(system))
        {
            (await system.Hub.PutAsync($"/jobs/v2/{jobId}",
                Fleet.MethodJob(jobId, $"tags.run = 'late-{_run}'", maxExecutionTimeInSeconds: 3))).EnsureStatus(HttpStatusCode.OK);
            var job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
            Assert.Equal(3, (int)job["deviceJobStatistics"]!["failedCount"]!);
        }
        await AssertRebuildsAsync(jobId);
    }

    [Fact]
    public async Task A_job_cancelled_while_running_rebuilt_from_its_events_is_the_document_the_service_keeps()
    {
        await Fleet.CreateAsync(system.Hub, $"rb-cancel-{_run}", 5, new JsonObject { ["run"] = $"cancel-{_run}" });
        var jobId = $"rb-cancelled-{_run}";
        await using (await DeviceLayerDown.StopAsync(system))
        {
            (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = 'cancel-{_run}'"))).EnsureStatus(HttpStatusCode.OK);
            // Started and dispatched: the cancel reaches a running job whose devices wait for the device layer.
            await Ledger.EventuallyAsync(async () => await Ledger.ScheduleStateAsync(system, jobId) == "dispatched");
            (await system.Hub.PostAsync($"/jobs/v2/{jobId}/cancel")).EnsureStatus(HttpStatusCode.OK);
            var job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
            Assert.Equal("cancelled", (string?)job["status"]);
        }
        Assert.Contains("job_dispatch_cancelled", await Ledger.EventTypesAsync(system, jobId));
        // Cancelled jobs answer at once; their figures are frozen when the last dispatched device has finished.
        await Ledger.EventuallyAsync(async () => (await Ledger.EventTypesAsync(system, jobId)).Contains("job_completed"));
        await AssertRebuildsAsync(jobId);
    }

    private async Task AssertRebuildsAsync(string jobId)
    {
        using var store = DocumentStore.For(o => { o.Connection(system.DatabaseConnectionString); JobStore.Configure(o); });
        await using var session = store.QuerySession();
        var kept = await session.LoadAsync<JobStatus>(jobId);
        var rebuilt = await session.Events.AggregateStreamAsync<JobStatus>(jobId);
        Assert.NotNull(kept);
        Assert.NotNull(kept.FinalStatistics);
        Assert.Equal(JsonSerializer.Serialize(kept), JsonSerializer.Serialize(rebuilt));
    }
}
