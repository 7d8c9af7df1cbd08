using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
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
        var invocations = await Ledger.InvocationsAsync(system, jobId);
        Assert.Equal(devices.Count, invocations.Count);
        Assert.All(invocations.Values, n => Assert.Equal(1, n));
    }
}
