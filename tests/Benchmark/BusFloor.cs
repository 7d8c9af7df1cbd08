using System.Diagnostics;
using MassTransit;

namespace Benchmark;

/// <summary>
/// The physical floor of the hub's broker for MassTransit: a bus in this process on the hub's RabbitMQ (its vhost and
/// user) publishes small messages to a scratch queue (durable, persistent messages, publisher confirms — MassTransit's
/// defaults, as the services have them; deleted when the bus stops) and consumes them, 100 publishes in flight;
/// messages per second from the first publish to the last message consumed. Nothing else: no database, no services.
/// </summary>
public static class BusFloor
{
    private const int InFlight = 100;

    public sealed record Result(int Messages, double Seconds)
    {
        public double MessagesPerSecond => Math.Round(Messages / Math.Max(Seconds, 0.001));
    }

    public static async Task<Result> MeasureAsync(Uri rabbitMq, int messages, string run)
    {
        var consumed = 0;
        var allConsumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var userInfo = rabbitMq.UserInfo.Split(':', 2);
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(rabbitMq.Host, (ushort)rabbitMq.Port, rabbitMq.AbsolutePath.Trim('/'), h =>
            {
                h.Username(Uri.UnescapeDataString(userInfo[0]));
                h.Password(Uri.UnescapeDataString(userInfo[1]));
            });
            cfg.ReceiveEndpoint($"bench-floor-{run}", e =>
            {
                e.AutoDelete = true;
                e.PrefetchCount = 200;
                e.Handler<BusFloorPing>(_ =>
                {
                    if (Interlocked.Increment(ref consumed) == messages) allConsumed.TrySetResult();
                    return Task.CompletedTask;
                });
            });
        });
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        try
        {
            var publishing = Stopwatch.StartNew();
            foreach (var chunk in Enumerable.Range(0, messages).Chunk(InFlight))
                await Task.WhenAll(chunk.Select(i => bus.Publish(new BusFloorPing(i))));
            await allConsumed.Task.WaitAsync(TimeSpan.FromMinutes(5));
            return new Result(messages, Math.Round(publishing.Elapsed.TotalSeconds, 2));
        }
        finally
        {
            await bus.StopAsync();
        }
    }
}
