using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;
using IotHubJobs.Contracts.Jobs;
using JobsApi.Jobs;
using Marten;

namespace Integration.Tests.Events;

/// <summary>
/// Server-Sent Events through the gateway (docs/events.md): a job's whole story in order, resumption with
/// Last-Event-ID, the end of a finished job's stream, the stream of every job, heartbeats, rights and refusals.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class EventStreamSpecs(SystemUnderTest system)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_job_stream_tells_the_whole_story_in_order_and_ends_after_the_last_event()
    {
        const int devices = 30;
        await Fleet.CreateAsync(system.Hub, $"story-{_run}", devices, new JsonObject { ["run"] = $"story-{_run}" });
        var jobId = $"story-{_run}";
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = 'story-{_run}'"))).EnsureStatus(HttpStatusCode.OK);

        await using var stream = await EventStreamReader.OpenAsync(system.Hub, $"/jobs/v2/{jobId}/events?devices=true");
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        var events = await stream.ReadToEndAsync();

        AssertIdsGrow(events);
        Assert.Equal("job.queued", events[0].Type);
        Assert.Equal("job.running", events.First(e => e.Type != "job.queued").Type);
        var completed = events[^1];
        Assert.Equal("job.completed", completed.Type);
        Assert.Equal(devices, (int)completed.Data["deviceJobStatistics"]!["succeededCount"]!);
        var outcomes = events.Where(e => e.Type == "deviceJob.completed").ToList();
        Assert.Equal(devices, outcomes.Select(e => (string)e.Data["deviceId"]!).Distinct().Count());
        Assert.Equal(devices, outcomes.Count);
        Assert.All(outcomes, e => Assert.Equal(200, (int)e.Data["outcome"]!["deviceMethodResponse"]!["status"]!));
        Assert.Contains(events, e => e.Type == "job.progress");
        foreach (var e in events)
        {
            Assert.Equal("1.0", (string?)e.CloudEvent["specversion"]);
            Assert.Equal(e.Id, (string?)e.CloudEvent["id"]);
            Assert.Equal(e.Type, (string?)e.CloudEvent["type"]);
            Assert.Equal($"/jobs/v2/{jobId}", (string?)e.CloudEvent["source"]);
        }

        // Its last event was read: a reconnect after it is told to stop.
        using var again = await system.Hub.OpenStreamAsync($"/jobs/v2/{jobId}/events", r => r.Headers.TryAddWithoutValidation("Last-Event-ID", completed.Id));
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
    }

    [Fact]
    public async Task Progress_comes_only_after_job_running_even_when_the_targets_were_counted_before_the_start_was_recorded()
    {
        // The scheduler's JobStarted and JobTargetsResolved are two messages that jobs-api consumes concurrently: the
        // count can reach the log first. Written here in that order, as the race leaves it.
        var jobId = $"counted-first-{_run}";
        var at = DateTimeOffset.UtcNow;
        using (var store = DocumentStore.For(o => { o.Connection(system.DatabaseConnectionString); JobStore.Configure(o); }))
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<JobStatus>(jobId,
                // The running system relays this JobCreated too: its start is far away and its query targets nobody.
                new JobCreated(jobId, JobTypes.ScheduleDeviceMethod, "deviceId = 'counted-first-matches-no-device'", at, at.AddYears(5), 60,
                    new CloudToDeviceMethod("reboot", null, 30, 0), null),
                new JobTargetsResolved(jobId, 1, at), new JobStarted(jobId, at),
                new JobCompleted(jobId, new DeviceJobStatistics(1, 0, 1, 0, 0), at));
            await session.SaveChangesAsync();
        }

        await using var stream = await EventStreamReader.OpenAsync(system.Hub, $"/jobs/v2/{jobId}/events");
        var types = (await stream.ReadToEndAsync()).Select(e => e.Type).ToList();

        Assert.Equal(["job.queued", "job.running"], types.Take(2));
        Assert.Equal("job.completed", types[^1]);
    }

    [Fact]
    public async Task A_client_that_reconnects_with_Last_Event_ID_gets_everything_it_missed_in_order()
    {
        const int devices = 200;
        var run = $"resume-{_run}";
        await Fleet.CreateStaggeredAsync(system.Hub, run, devices, run, maxLatencyMs: 3000);
        var jobId = run;
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{run}'"))).EnsureStatus(HttpStatusCode.OK);

        var first = new List<StreamedEvent>();
        await using (var stream = await EventStreamReader.OpenAsync(system.Hub, $"/jobs/v2/{jobId}/events?devices=true"))
            first.AddRange(await stream.ReadUntilAsync(e => e.Type == "deviceJob.completed"));
        Assert.True((string?)(await system.Hub.GetAsync($"/jobs/v2/{jobId}")).Json["status"] != "completed",
            "precondition: the client left while the job was still running");

        await using var resumed = await EventStreamReader.OpenAsync(system.Hub, $"/jobs/v2/{jobId}/events?devices=true", lastEventId: first[^1].Id);
        var rest = await resumed.ReadToEndAsync();
        Assert.True(rest.Count > 0 && rest[0].Position.CompareTo(first[^1].Position) > 0, "the resumed stream starts after the last id read");
        AssertIdsGrow(first.Concat(rest).ToList());

        // Everything the log holds came exactly once over the two connections, as one uninterrupted reading shows it.
        await using var whole = await EventStreamReader.OpenAsync(system.Hub, $"/jobs/v2/{jobId}/events?devices=true");
        var all = await whole.ReadToEndAsync();
        Assert.Equal(Stored(all), Stored(first.Concat(rest)));
        Assert.Equal(devices, all.Count(e => e.Type == "deviceJob.completed"));
        Assert.Equal("job.completed", rest[^1].Type);
    }

    [Fact]
    public async Task The_stream_of_every_job_starts_now_keeps_to_its_prefix_and_carries_no_device_outcomes_unless_asked()
    {
        var mine = $"all-{_run}";
        var other = $"other-{_run}";
        await Fleet.CreateAsync(system.Hub, mine, 5, new JsonObject { ["run"] = mine });
        await using var stream = await EventStreamReader.OpenAsync(system.Hub, $"/jobs/v2/events?jobIdPrefix={mine}");
        (await system.Hub.PutAsync($"/jobs/v2/{other}", Fleet.MethodJob(other, $"tags.run = '{mine}'"))).EnsureStatus(HttpStatusCode.OK);
        (await system.Hub.PutAsync($"/jobs/v2/{mine}", Fleet.MethodJob(mine, $"tags.run = '{mine}'"))).EnsureStatus(HttpStatusCode.OK);

        var events = await stream.ReadUntilAsync(e => e.Type == "job.completed");
        Assert.All(events, e => Assert.StartsWith(mine, (string)e.Data["jobId"]!));
        Assert.DoesNotContain(events, e => e.Type.StartsWith("deviceJob.", StringComparison.Ordinal));
        Assert.Equal("job.queued", events[0].Type);
        AssertIdsGrow(events);
    }

    [Fact]
    public async Task An_idle_stream_gets_heartbeats_through_the_gateway()
    {
        var jobId = $"idle-{_run}";
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, "deviceId = 'nobody'", startTime: DateTimeOffset.UtcNow.AddYears(5)))).EnsureStatus(HttpStatusCode.OK);
        await using var stream = await EventStreamReader.OpenAsync(system.Hub, $"/jobs/v2/{jobId}/events");
        var before = await stream.UntilHeartbeatAsync(TimeSpan.FromMinutes(1));
        Assert.Equal("job.queued", before[0].Type);
        Assert.Equal("2000", stream.Retry);
        await stream.UntilHeartbeatAsync(TimeSpan.FromMinutes(1));
        (await system.Hub.PostAsync($"/jobs/v2/{jobId}/cancel")).EnsureStatus(HttpStatusCode.OK);
        var rest = await stream.ReadToEndAsync();
        Assert.Equal("job.cancelled", rest[^1].Type);
    }

    [Fact]
    public async Task Streams_need_the_right_to_read_and_refuse_what_they_cannot_serve()
    {
        var jobId = $"rights-{_run}";
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, "deviceId = 'nobody'"))).EnsureStatus(HttpStatusCode.OK);
        using (var reader = new HubClient(new Uri($"https://localhost:{system.GatewayPort}"), Path.Combine(system.CertificateDirectory, "ca.pem"),
                   "localhost", "registryRead", system.PolicyKeys["registryRead"]))
        using (var allowed = await reader.OpenStreamAsync($"/jobs/v2/{jobId}/events"))
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        using (var device = new HubClient(new Uri($"https://localhost:{system.GatewayPort}"), Path.Combine(system.CertificateDirectory, "ca.pem"),
                   "localhost", "device", system.PolicyKeys["device"]))
            Assert.Equal(HttpStatusCode.Unauthorized, (await device.GetAsync($"/jobs/v2/{jobId}/events")).Status);

        var unknown = await system.Hub.GetAsync($"/jobs/v2/nothing-{_run}/events");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal("JobNotFound", unknown.Header("iothub-errorcode"));
        var malformed = await system.Hub.SendAsync(HttpMethod.Get, $"/jobs/v2/{jobId}/events", configure: r => r.Headers.TryAddWithoutValidation("Last-Event-ID", "12x"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.Equal("ArgumentInvalid", malformed.Header("iothub-errorcode"));
        var reserved = await system.Hub.PutAsync("/jobs/v2/events", Fleet.MethodJob("events", "deviceId = 'nobody'"));
        Assert.Equal(HttpStatusCode.BadRequest, reserved.Status);
    }

    /// <summary>The events that come from stored log events (not snapshots, which are counted anew): id and type.</summary>
    private static List<string> Stored(IEnumerable<StreamedEvent> events) =>
        events.Where(e => e.Type != "job.progress").Select(e => $"{e.Id} {e.Type}").ToList();

    private static void AssertIdsGrow(IReadOnlyList<StreamedEvent> events)
    {
        for (var i = 1; i < events.Count; i++)
            Assert.True(events[i].Position.CompareTo(events[i - 1].Position) > 0, $"id {events[i].Id} after {events[i - 1].Id}");
    }
}
