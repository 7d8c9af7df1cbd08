using IotHubJobs.Messaging;
using IotHubJobs.Dispatch;
using IotHubJobs.Contracts.Devices;
using IotHubJobs.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace IotHubJobs.DeviceLayer;

/// <summary>
/// Answers direct-method calls made outside jobs (<c>POST /twins/{id}/methods</c>): runs them once per call id and sends
/// the outcomes to the caller's reply queue, again while the broker is away, for as long as the caller waits. Each
/// device layer puts it on the queue its callers send to (device-sim: SimulatedDevicesQueueDefinition; device-gateway:
/// its instance queue).
/// </summary>
public sealed class CallDeviceMethodsConsumer(DeviceCalls calls, TimeProvider clock, ILogger<CallDeviceMethodsConsumer> logger)
    : IConsumer<CallDeviceMethods>
{
    public async Task Consume(ConsumeContext<CallDeviceMethods> context)
    {
        var request = context.Message;
        // The caller has given up on an expired request: calling the devices now would act on an answer nobody reads.
        if (request.ExpiresAt < clock.GetUtcNow())
        {
            logger.LogWarning("Dropped an expired request {CallId} for {Count} devices (expired at {ExpiresAt})", request.CallId, request.Calls.Count, request.ExpiresAt);
            return;
        }
        using var activity = Telemetry.Source.StartActivity("answer device methods");
        activity?.SetTag("iothub.device_count", request.Calls.Count);

        var run = await calls.RunOnceAsync(request.CallId, request.Calls, job: null, request.ExpiresAt);
        var reply = new DeviceMethodsCalled(request.CallId, run.Outcomes);
        try
        {
            await BrokerOutage.RetryUntilAsync(request.ExpiresAt, clock, async token =>
                await (await context.GetSendEndpoint(QueueAddress.Of(request.ReplyQueue))).Send(reply, token));
        }
        catch (TimeoutException)
        {
            logger.LogWarning("The answer to request {CallId} could not be sent before its caller gave up at {ExpiresAt}", request.CallId, request.ExpiresAt);
        }
    }
}
