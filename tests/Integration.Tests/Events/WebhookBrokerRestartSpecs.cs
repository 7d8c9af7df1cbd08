using System.Net;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Events;

/// <summary>
/// Webhook deliveries read PostgreSQL only (docs/events.md, "Delivery"): pending deliveries go on while RabbitMQ is down,
/// and a job whose results stream in across a broker restart has every event delivered, in order, under the ids the log
/// gives them. On a system with servers of its own, so the broker can be restarted without disturbing other specs.
/// </summary>
[Collection(OwnServersCollection.Name)]
public sealed class WebhookBrokerRestartSpecs(SystemOnPrivateServers system) : IClassFixture<SystemOnPrivateServers>, IAsyncLifetime
{
    private const int Devices = 300;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();
    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Deliveries_pending_across_a_RabbitMQ_restart_go_on_while_it_is_down_and_every_event_arrives_in_order()
    {
        var run = $"hookmq-{_run}";
        var secret = "a-secret-of-the-spec-" + _run;
        // Answers spread over 40 s: results must still stream in after the broker's orderly stop, which takes seconds.
        await Fleet.CreateStaggeredAsync(system.Hub, run, Devices, run, maxLatencyMs: 40_000);
        var accepting = new TaskCompletionSource();
        _receiver.Answer(run, _ => Task.FromResult(accepting.Task.IsCompleted ? 200 : 503));
        await WebhookSubscriptions.PutAsync(system.Hub, _receiver, run, secret, ["*"], jobIdPrefix: run);

        (await system.Hub.PutAsync($"/jobs/v2/{run}", Fleet.MethodJob(run, $"tags.run = '{run}'", responseTimeoutInSeconds: 60))).EnsureStatus(HttpStatusCode.OK);
        await Ledger.EventuallyAsync(async () => (await Ledger.RowsAsync(system, run)).Values.Count(r => r.Status == "completed") >= 30);
        await Ledger.EventuallyAsync(async () => (string?)(await WebhookSubscriptions.DeliveryStateAsync(system.Hub, run))["state"] == "retrying");

        await system.StopRabbitMqAsync();
        try
        {
            Assert.True((await Ledger.RowsAsync(system, run)).Values.Any(r => r.Status is "pending" or "running"),
                "precondition: results still stream in when the broker stops");
            accepting.SetResult();
            // Nothing of the delivery needs the broker: what the log held is delivered while it is away.
            await Ledger.EventuallyAsync(() => Task.FromResult(_receiver.Accepted(run).Any(e => WebhookEvents.Type(e) == "deviceJob.completed")));
        }
        finally
        {
            await system.StartRabbitMqAsync();
        }

        Assert.Equal("completed", (string?)(await Fleet.WaitUntilFinishedAsync(system.Hub, run, TimeSpan.FromMinutes(4)))["status"]);
        await Ledger.EventuallyAsync(() => Task.FromResult(_receiver.Accepted(run).Any(e => WebhookEvents.Type(e) == "job.completed")), TimeSpan.FromMinutes(2));
        var arrived = WebhookEvents.FirstArrivals(_receiver.Accepted(run));
        Assert.Equal(Devices, arrived.Count(e => WebhookEvents.Type(e) is "deviceJob.completed" or "deviceJob.failed"));
        Assert.All(_receiver.Deliveries(run), d => Assert.True(d.SignatureValid, $"delivery starting {d.FirstId} is signed with the subscription's secret"));
        await using var stream = await EventStreamReader.OpenAsync(system.Hub, $"/jobs/v2/{run}/events?devices=true");
        var logged = await stream.ReadToEndAsync();
        Assert.Equal(logged.Where(e => e.Type != "job.progress").Select(e => $"{e.Id} {e.Type}").ToList(), WebhookEvents.Stored(arrived));
    }
}
