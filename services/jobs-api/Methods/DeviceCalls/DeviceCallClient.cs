using IotHubJobs.Messaging;
using IotHubJobs.Dispatch;
using System.Collections.Concurrent;
using IotHubJobs.Contracts.Devices;
using MassTransit;

namespace JobsApi.Methods.DeviceCalls;

/// <summary>
/// Calls devices through the device connection layer and waits for the answer on this process's own durable reply
/// queue. MassTransit's request client answers through a temporary queue; a reply to one that vanished with its
/// process made RabbitMQ close the responder's channel, failing every other reply in flight on it. Sending to a
/// named queue declares it first, so a reply can never hit a missing exchange.
/// </summary>
public sealed class DeviceCallClient(ISendEndpointProvider send, DeviceCallReplyQueue replyQueue, TimeProvider clock)
{
    /// <summary>How much longer than the calls' own timeouts a caller waits for the answer (queueing, transport).</summary>
    public static readonly TimeSpan ReplyMargin = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<DeviceMethodsCalled>> _pending = new();

    /// <summary>The outcomes by device id, or null when no answer came within <paramref name="timeout"/>.</summary>
    /// <param name="holderQueue">The queue of the device layer that holds the devices' connections (docs/devices.md, "Presence and routing").</param>
    public async Task<IReadOnlyDictionary<string, DeviceMethodOutcome>?> CallAsync(
        string holderQueue, IReadOnlyList<DeviceMethodCall> calls, TimeSpan timeout, CancellationToken ct)
    {
        var callId = NewId.NextGuid();
        var reply = new TaskCompletionSource<DeviceMethodsCalled>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[callId] = reply;
        var deadline = clock.GetUtcNow() + timeout;
        try
        {
            await SendAsync(holderQueue, new CallDeviceMethods(callId, replyQueue.Name, deadline, calls), deadline, ct);
            var answer = await reply.Task.WaitAsync(BrokerOutage.Remaining(deadline, clock), clock, ct);
            return answer.Outcomes.ToDictionary(o => o.DeviceId, StringComparer.Ordinal);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            _pending.TryRemove(callId, out _);
        }
    }

    /// <summary>Sends the request, again while the broker is away, until the calls' deadline (then nobody could answer in time).</summary>
    private Task SendAsync(string holderQueue, CallDeviceMethods request, DateTimeOffset deadline, CancellationToken ct) =>
        BrokerOutage.RetryUntilAsync(deadline, clock, async token =>
        {
            var endpoint = await send.GetSendEndpoint(QueueAddress.Of(holderQueue));
            await endpoint.Send(request, token);
        }, ct: ct);

    /// <summary>Hands a reply to its waiting caller; replies nobody waits for (the caller timed out or restarted) are dropped.</summary>
    public bool Complete(DeviceMethodsCalled reply) =>
        _pending.TryRemove(reply.CallId, out var waiting) && waiting.TrySetResult(reply);
}
