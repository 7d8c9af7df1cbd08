using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Tests.Faults;
using Integration.Tests.Infrastructure;
using IotHubJobs.Contracts.Devices;
using IotHubJobs.Contracts.Jobs;
using MassTransit;

namespace Integration.Tests.Jobs;

/// <summary>
/// At-least-once delivery made harmless: a command delivered again and a result reported again change nothing.
/// The test publishes the duplicates onto the system's own broker, then runs a second job through the same queues
/// as a barrier before it looks.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RedeliverySpecs(SystemUnderTest system)
{
    [Fact]
    public async Task A_redelivered_command_and_a_repeated_result_neither_invoke_a_device_again_nor_change_the_counts()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var devices = await Fleet.CreateAsync(system.Hub, $"dup-{run}", 20, new JsonObject { ["run"] = run });
        var jobId = $"dup-{run}";
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{run}'"))).EnsureStatus(HttpStatusCode.OK);
        var finished = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);

        Environment.SetEnvironmentVariable("MASSTRANSIT_USAGE_TELEMETRY", "false");
        var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(new Uri(system.RabbitMqUri)));
        await bus.StartAsync();
        try
        {
            var now = DateTimeOffset.UtcNow;
            await bus.Publish(new InvokeDeviceMethods(jobId, new CloudToDeviceMethod("reboot", "{}", 30, 0), devices));
            await bus.Publish(new DeviceJobsCompleted(jobId, devices.Select(d =>
                new DeviceJobResult(d, false, now, now, null, null, "Forged", "a repeated, contradicting result")).ToList()));
        }
        finally
        {
            await bus.StopAsync();
        }
        var barrier = $"dup-{run}-barrier";
        (await system.Hub.PutAsync($"/jobs/v2/{barrier}", Fleet.MethodJob(barrier, $"tags.run = '{run}'"))).EnsureStatus(HttpStatusCode.OK);
        await Fleet.WaitUntilFinishedAsync(system.Hub, barrier);

        var after = (await system.Hub.GetAsync($"/jobs/v2/{jobId}")).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.Equal(finished["deviceJobStatistics"]!.ToJsonString(), after["deviceJobStatistics"]!.ToJsonString());
        Assert.All((await Ledger.RowsAsync(system, jobId)).Values, r => Assert.Equal(("completed", (int?)200), (r.Status, r.MethodStatus)));
        var executions = await Ledger.ExecutionsAsync(system, jobId);
        Assert.Equal(devices.Count, executions.Count);
        Assert.All(executions.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task A_call_delivered_again_after_its_devices_answered_runs_nothing_and_answers_from_the_record()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var devices = await Fleet.CreateAsync(system.Hub, $"again-{run}", 3, new JsonObject { ["sim"] = new JsonObject { ["latencyMs"] = 300 } });
        await using var caller = await DeviceLayerCaller.StartAsync(system.RabbitMqUri, $"test-replies-{run}");
        var request = EchoCall(devices, caller.ReplyQueue);

        await caller.SendAsync(request);
        var first = await caller.NextReplyAsync();
        // The same call id once more, as the broker delivers a request again that was not acknowledged before a crash.
        await caller.SendAsync(request);
        var second = await caller.NextReplyAsync();

        Assert.Equal(Answers(first), Answers(second));
        Assert.All(first.Outcomes, o => Assert.Equal((DeviceMethodOutcomeKind.Responded, (int?)200, """{"n":1}"""), (o.Kind, o.Status, o.PayloadJson)));
        foreach (var device in devices) Assert.Equal(1, await Ledger.ExecutionsOutsideJobsAsync(system, device));
    }

    [Fact]
    public async Task A_call_delivered_again_while_its_devices_still_run_waits_for_their_answers_and_runs_nothing()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var devices = await Fleet.CreateAsync(system.Hub, $"during-{run}", 3, new JsonObject { ["sim"] = new JsonObject { ["latencyMs"] = 3000 } });
        await using var caller = await DeviceLayerCaller.StartAsync(system.RabbitMqUri, $"test-replies-{run}");
        var request = EchoCall(devices, caller.ReplyQueue);

        await caller.SendAsync(request);
        await Ledger.EventuallyAsync(async () => await Ledger.ExecutionsOutsideJobsAsync(system, devices[0]) == 1);
        await caller.SendAsync(request);
        var first = await caller.NextReplyAsync();
        var second = await caller.NextReplyAsync();

        Assert.Equal(Answers(first), Answers(second));
        Assert.All(first.Outcomes, o => Assert.Equal(DeviceMethodOutcomeKind.Responded, o.Kind));
        foreach (var device in devices) Assert.Equal(1, await Ledger.ExecutionsOutsideJobsAsync(system, device));
    }

    [Fact]
    public async Task A_call_another_process_records_at_the_same_moment_runs_nothing_here_and_is_answered_from_that_record()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var devices = await Fleet.CreateAsync(system.Hub, $"race-{run}", 3, new JsonObject { ["sim"] = new JsonObject() });
        await using var caller = await DeviceLayerCaller.StartAsync(system.RabbitMqUri, $"test-replies-{run}");
        var request = EchoCall(devices, caller.ReplyQueue);
        // Another device-sim replica's delivery of the same call: recorded with its devices' answers, not committed yet.
        var answers = devices.Select(d => JsonSerializer.Serialize(new DeviceMethodOutcome(d, DeviceMethodOutcomeKind.Responded, 200, """{"n":2}"""))).ToArray();
        var (other, _) = await HeldTransaction.BeginAsync(system.Database, """
            insert into devicesim.calls (call_id, device_id, job_id, method_name, received_at, outcome)
            select $1, d, null, 'echo', now(), o::jsonb from unnest($2::text[], $3::text[]) as a(d, o)
            """, request.CallId, devices.ToArray(), answers);
        await using (other)
        {
            await caller.SendAsync(request);
            // device-sim's record of the call waits on the other's keys until it commits.
            await Ledger.EventuallyAsync(() => other.BlocksAnotherAsync(system.Database));
            await other.CommitAsync();
        }
        var reply = await caller.NextReplyAsync();

        Assert.Equal(devices.Order(StringComparer.Ordinal), reply.Outcomes.Select(o => o.DeviceId).Order(StringComparer.Ordinal));
        Assert.All(reply.Outcomes, o => Assert.Equal((DeviceMethodOutcomeKind.Responded, (int?)200, """{"n":2}"""), (o.Kind, o.Status, o.PayloadJson)));
        foreach (var device in devices) Assert.Equal(0, await Ledger.ExecutionsOutsideJobsAsync(system, device));
    }

    private static CallDeviceMethods EchoCall(List<string> devices, string replyQueue) => new(NewId.NextGuid(), replyQueue,
        DateTimeOffset.UtcNow.AddMinutes(1), devices.Select(d => new DeviceMethodCall(d, "echo", """{"n":1}""", 30, 0, null)).ToList());

    private static string Answers(DeviceMethodsCalled reply) =>
        string.Join("; ", reply.Outcomes.OrderBy(o => o.DeviceId, StringComparer.Ordinal).Select(o => $"{o.DeviceId} {o.Kind} {o.Status} {o.PayloadJson}"));
}
