using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;
using IotHubJobs.Dispatch;
using JobsApi.Events;
using JobsApi.Jobs;
using JobsApi.Webhooks;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Integration.Tests.Events;

/// <summary>
/// Retries over a day, with time moved instead of waited for (docs/events.md, "Delivery"): the backoff doubles from 2 s to
/// 15 minutes, and a receiver failing without a success for 24 hours has its pending events given up and listed as a
/// failed delivery. The delivering instance is a second jobs-api delivery loop in the spec's process, on the system's
/// database and event log, whose clock the spec moves; it takes the subscription over from jobs-api the way an instance
/// takes over from one whose lease ran out.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class WebhookRetrySpecs(SystemUnderTest system) : IAsyncLifetime
{
    private static readonly string[] StatusTypes = ["job.queued", "job.scheduled", "job.running", "job.completed", "job.failed", "job.cancelled"];
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();
    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task A_receiver_failing_for_24_hours_is_retried_with_doubling_waits_then_its_events_are_given_up_and_listed_as_failed_until_a_success_ends_the_failing_period()
    {
        var run = $"giveup-{_run}";
        await Fleet.CreateAsync(system.Hub, run, 5, new JsonObject { ["run"] = run });
        _receiver.Answer(run, _ => Task.FromResult(503));
        await WebhookSubscriptions.PutAsync(system.Hub, _receiver, run, "a-secret-of-the-spec-" + _run, StatusTypes, jobIdPrefix: run);
        (await system.Hub.PutAsync($"/jobs/v2/{run}", Fleet.MethodJob(run, $"tags.run = '{run}'"))).EnsureStatus(HttpStatusCode.OK);
        Assert.Equal("completed", (string?)(await Fleet.WaitUntilFinishedAsync(system.Hub, run))["status"]);
        await Ledger.EventuallyAsync(() => Task.FromResult(_receiver.Requests(run) >= 2));
        await using var stream = await EventStreamReader.OpenAsync(system.Hub, $"/jobs/v2/{run}/events");
        var logged = (await stream.ReadToEndAsync()).Where(e => e.Type != "job.progress").ToList();

        // An hour ahead of jobs-api's clock: to this instance, jobs-api's lease (30 s) and its next attempt (at most 15 min) have passed.
        // On a whole second: the database keeps microseconds, so times read back compare exactly with the clock's.
        var ahead = DateTimeOffset.UtcNow.AddHours(1);
        var clock = new FakeTimeProvider(new DateTimeOffset(ahead.Ticks - ahead.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero));
        var tookOver = clock.GetUtcNow();
        await using var instance = await DeliveryInstance.StartAsync(system, run, clock, readThrough: logged[^1].Position.Sequence);
        await Ledger.EventuallyAsync(async () => instance.Running() && Time((await StateAsync(run))["lastAttemptTime"]) >= tookOver);
        var failingSince = Time((await StateAsync(run))["failingSince"]);
        Assert.True(failingSince < tookOver, "precondition: jobs-api had been failing to deliver before this instance took over");

        for (var retry = 0; retry < 6; retry++)
        {
            var state = await StateAsync(run);
            var attempts = (int)state["attempts"]!;
            Assert.Equal("retrying", (string?)state["state"]);
            Assert.Equal(503, (int?)state["lastStatusCode"]);
            // The defaults of Webhooks:FirstBackoffSeconds (2) and MaxBackoffSeconds (900); each wait between half and all of its step.
            var step = Math.Min(2 * Math.Pow(2, attempts - 1), 900);
            var wait = (Time(state["nextAttemptTime"]) - Time(state["lastAttemptTime"])).TotalSeconds;
            Assert.InRange(wait, step / 2 - 0.001, step + 0.001);
            clock.SetUtcNow(Time(state["nextAttemptTime"]));
            await Ledger.EventuallyAsync(async () => (int)(await StateAsync(run))["attempts"]! == attempts + 1);
        }

        // 23 hours into the failing period: tried again, not given up.
        var before = (int)(await StateAsync(run))["attempts"]!;
        clock.SetUtcNow(failingSince + TimeSpan.FromHours(23));
        await Ledger.EventuallyAsync(async () => (int)(await StateAsync(run))["attempts"]! == before + 1);
        Assert.Empty(await WebhookSubscriptions.DeliveriesAsync(system.Hub, run));
        var lastRetry = await StateAsync(run);
        Assert.Equal("retrying", (string?)lastRetry["state"]);

        // Past 24 hours: the next attempt fails too, and the batch is given up.
        clock.SetUtcNow(Later(Time(lastRetry["nextAttemptTime"]), failingSince + TimeSpan.FromHours(24)));
        await Ledger.EventuallyAsync(async () => (await WebhookSubscriptions.DeliveriesAsync(system.Hub, run, "failed")).Count == 1);
        var failed = (await WebhookSubscriptions.DeliveriesAsync(system.Hub, run, "failed")).Single()!;
        Assert.Equal(logged[0].Id, (string?)failed["firstEventId"]);
        Assert.Equal(logged[^1].Id, (string?)failed["lastEventId"]);
        Assert.Equal(logged.Count, (int)failed["eventCount"]!);
        Assert.Equal((int)lastRetry["attempts"]! + 1, (int)failed["attempts"]!);
        Assert.Equal(503, (int?)failed["statusCode"]);
        Assert.Equal("status 503", (string?)failed["reason"]);
        Assert.True(Time(failed["lastAttemptTime"]) >= failingSince + TimeSpan.FromHours(24), "given up only after 24 hours of failing");
        Assert.Single(await WebhookSubscriptions.DeliveriesAsync(system.Hub, run));

        var moved = await StateAsync(run);
        Assert.Equal("ok", (string?)moved["state"]);
        Assert.True(Position((string)moved["lastEventId"]!).CompareTo(logged[^1].Position) >= 0, "the cursor moved past the given-up events");
        Assert.True(_receiver.Accepted(run).Count == 0, "nothing was ever accepted");

        // The receiver answers again: the next job's events are delivered, and the first success ends the failing period.
        _receiver.Answer(run, _ => Task.FromResult(200));
        var again = $"{run}-again";
        (await system.Hub.PutAsync($"/jobs/v2/{again}", Fleet.MethodJob(again, $"tags.run = '{run}'"))).EnsureStatus(HttpStatusCode.OK);
        Assert.Equal("completed", (string?)(await Fleet.WaitUntilFinishedAsync(system.Hub, again))["status"]);
        await Ledger.EventuallyAsync(async () => await instance.ReadLogAsync()
            && _receiver.Accepted(run).Any(e => WebhookEvents.Type(e) == "job.completed" && (string?)e["subject"] == again));
        var recovered = await StateAsync(run);
        Assert.Equal("ok", (string?)recovered["state"]);
        Assert.Null(recovered["failingSince"]);
        Assert.Equal(0, (int)recovered["attempts"]!);
        Assert.NotEmpty(await WebhookSubscriptions.DeliveriesAsync(system.Hub, run, "delivered"));
        Assert.All(_receiver.Accepted(run), e => Assert.Equal(again, (string?)e["data"]!["jobId"]));
        await instance.DisposeAsync();
        await WebhookSubscriptions.DeleteAsync(system.Hub, run);
    }

    private Task<JsonNode> StateAsync(string name) => WebhookSubscriptions.DeliveryStateAsync(system.Hub, name);

    private static DateTimeOffset Time(JsonNode? node) =>
        DateTimeOffset.Parse((string)node!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static (long, int) Position(string id) => WebhookEvents.Position(new JsonObject { ["id"] = id });

    /// <summary>
    /// A jobs-api instance's delivery of one subscription (<see cref="WebhookDeliveryLoop"/>, as WebhookDispatcher starts it),
    /// in the spec's process with the spec's clock and the delivery settings' defaults; it reads the log up to the
    /// high-water mark jobs-api's daemon keeps.
    /// </summary>
    private sealed class DeliveryInstance : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly DocumentStore _store;
        private readonly WebhookSender _sender;
        private readonly Task _loop;

        private readonly EventLogTail _tail;

        private DeliveryInstance(DocumentStore store, EventLogTail tail, WebhookSender sender, Func<CancellationToken, Task> run)
        {
            _store = store;
            _tail = tail;
            _sender = sender;
            _loop = Task.Run(() => run(_stop.Token));
        }

        public static async Task<DeliveryInstance> StartAsync(SystemUnderTest system, string name, TimeProvider clock, long readThrough)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Webhooks:AllowedHosts"] = "127.0.0.1",
            }).Build();
            var store = DocumentStore.For(o => { o.Connection(system.DatabaseConnectionString); JobStore.Configure(o); });
            var tail = new EventLogTail(store, clock, configuration, NullLogger<EventLogTail>.Instance);
            await Ledger.EventuallyAsync(async () => await tail.RefreshAsync(CancellationToken.None) >= readThrough);
            var sources = new JobEventSources(new JobEventLog(store), tail, new JobEventTranslator(new DeviceJobLedger(system.Database)), clock, configuration);
            var options = new WebhookOptions();
            var sender = new WebhookSender(new WebhookUrlPolicy(configuration), clock, options);
            var loop = new WebhookDeliveryLoop(name, "spec-instance", new WebhookStore(system.Database), sources, sender, options, clock,
                new Random(15), NullLogger.Instance);
            return new DeliveryInstance(store, tail, sender, loop.RunAsync);
        }

        /// <summary>
        /// Reads the high-water mark jobs-api's daemon keeps, as the instance's own poll would (it is not started here: its
        /// interval runs on the spec's clock), which wakes a loop waiting for new events. True while the loop runs.
        /// </summary>
        public async Task<bool> ReadLogAsync()
        {
            await _tail.RefreshAsync(CancellationToken.None);
            return Running();
        }

        /// <summary>True while the loop runs; its exception, if it ended with one.</summary>
        public bool Running() => _loop.IsFaulted ? throw _loop.Exception!.InnerException! : !_loop.IsCompleted;

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                await _stop.CancelAsync();
                await _loop;
                _sender.Dispose();
                _store.Dispose();
            }
        }
    }
}
