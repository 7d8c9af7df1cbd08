using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Events;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Rollouts;

/// <summary>A rollout's transitions in its job's event stream (docs/events.md, "Rollout events").</summary>
[Collection(SystemCollection.Name)]
public sealed class RolloutEventSpecs(SystemUnderTest system)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Waves_approval_pause_and_resume_appear_in_the_job_stream_in_the_order_they_happened()
    {
        await Fleet.CreateAsync(system.Hub, $"rv-{_run}", 4, new JsonObject { ["run"] = _run });
        var jobId = $"rv-{_run}";
        var job = Fleet.MethodJob(jobId, $"tags.run = '{_run}'");
        job["rollout"] = new JsonObject { ["waves"] = new JsonArray(new JsonObject { ["count"] = 2, ["requiresApproval"] = true }) };
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", job)).EnsureStatus(HttpStatusCode.OK);
        await Ledger.EventuallyAsync(async () =>
            (bool?)(await system.Hub.GetAsync($"/jobs/v2/{jobId}")).Json["rolloutStatus"]?["awaitingApproval"] == true, TimeSpan.FromSeconds(90));

        (await system.Hub.PostAsync($"/jobs/v2/{jobId}/pause")).EnsureStatus(HttpStatusCode.OK);
        (await system.Hub.PostAsync($"/jobs/v2/{jobId}/resume")).EnsureStatus(HttpStatusCode.OK);
        (await system.Hub.PostAsync($"/jobs/v2/{jobId}/approve")).EnsureStatus(HttpStatusCode.OK);
        await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);

        await using var stream = await EventStreamReader.OpenAsync(system.Hub, $"/jobs/v2/{jobId}/events");
        var events = await stream.ReadToEndAsync();
        // rollout.waveCompleted and rollout.approvalRequested come from consecutive passes of the scheduler and may be
        // recorded in either order; every other transition waits for the one before it.
        var told = events.Where(e => e.Type.StartsWith("rollout.", StringComparison.Ordinal) && e.Type != "rollout.waveCompleted").Select(e => e.Type).ToList();
        Assert.Equal(["rollout.waveStarted", "rollout.approvalRequested", "rollout.paused", "rollout.resumed", "rollout.approved",
            "rollout.waveStarted"], told);
        // The first wave's end, told once with its figures before the next wave starts; the last wave's end is the job's.
        var completed = Assert.Single(events, e => e.Type == "rollout.waveCompleted");
        Assert.True(events.IndexOf(completed) < events.FindLastIndex(e => e.Type == "rollout.waveStarted"));
        Assert.Equal(1, (int)completed.Data["wave"]!);
        Assert.Equal(2, (int)completed.Data["devices"]!);
        Assert.Equal(2, (int)completed.Data["succeeded"]!);
        Assert.Equal("job.completed", events[^1].Type);
        var waves = events.Where(e => e.Type == "rollout.waveStarted").ToList();
        Assert.Equal([1, 2], waves.Select(e => (int)e.Data["wave"]!));
        Assert.Equal([2, 4], waves.Select(e => (int)e.Data["devicesThrough"]!));
        Assert.Equal("Paused by an operator.", (string?)events.Single(e => e.Type == "rollout.paused").Data["reason"]);
        Assert.DoesNotContain(events, e => e.Type == "job.paused");
    }
}
