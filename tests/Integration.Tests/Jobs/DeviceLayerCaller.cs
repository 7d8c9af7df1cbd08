using System.Threading.Channels;
using IotHubJobs.Contracts.Devices;
using IotHubJobs.Messaging;
using MassTransit;

namespace Integration.Tests.Jobs;

/// <summary>
/// Talks to a device layer (device-sim, or a device-gateway instance) directly over the system's broker, the way jobs-api does for a direct method: sends call
/// requests to its queue (the same message twice, when a spec plays the broker delivering it again) and collects the
/// answers on a reply queue of its own.
/// </summary>
public sealed class DeviceLayerCaller : IAsyncDisposable
{
    private readonly IBusControl _bus;
    private readonly Channel<DeviceMethodsCalled> _replies;

    private DeviceLayerCaller(IBusControl bus, Channel<DeviceMethodsCalled> replies, string replyQueue) =>
        (_bus, _replies, ReplyQueue) = (bus, replies, replyQueue);

    public string ReplyQueue { get; }

    public static async Task<DeviceLayerCaller> StartAsync(string rabbitMqUri, string replyQueue)
    {
        Environment.SetEnvironmentVariable("MASSTRANSIT_USAGE_TELEMETRY", "false");
        var replies = Channel.CreateUnbounded<DeviceMethodsCalled>();
        var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(new Uri(rabbitMqUri));
            // A quorum queue like the services' own reply queues (libs/Messaging/Bus.cs); device-sim answers to its exchange.
            cfg.ReceiveEndpoint(replyQueue, e =>
            {
                e.SetQuorumQueue();
                e.Handler<DeviceMethodsCalled>(context => replies.Writer.WriteAsync(context.Message).AsTask());
            });
        });
        await bus.StartAsync();
        return new DeviceLayerCaller(bus, replies, replyQueue);
    }

    public Task SendAsync(CallDeviceMethods request) => SendAsync(request, DeviceLayerQueues.SimulatedDevices);

    /// <summary>To another device layer's queue, e.g. a device-gateway instance's (<c>device-gateway-{instance}</c>).</summary>
    public async Task SendAsync(CallDeviceMethods request, string queue) =>
        await (await _bus.GetSendEndpoint(QueueAddress.Of(queue))).Send(request);

    public async Task<DeviceMethodsCalled> NextReplyAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        return await _replies.Reader.ReadAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync() => await _bus.StopAsync();
}
