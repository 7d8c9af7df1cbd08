using System.Diagnostics;
using DeviceSim.Devices;
using IotHubJobs.Contracts.Devices;
using IotHubJobs.ServiceDefaults;
using IotHubJobs.ServiceDefaults.DeviceCalls;
using MassTransit;

namespace DeviceSim.Methods;

/// <summary>
/// Answers a batch of method calls the way a protocol gateway would: every call runs concurrently with its own
/// connect and response timeouts, and gets its own outcome.
/// </summary>
public sealed class CallDeviceMethodsConsumer(SimulatedDevices devices, InvocationLog log, TimeProvider clock, ILogger<CallDeviceMethodsConsumer> logger)
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
        var calls = request.Calls;
        using var activity = Telemetry.Source.StartActivity("answer device methods");
        activity?.SetTag("iothub.device_count", calls.Count);
        if (calls.FirstOrDefault()?.JobId is { } jobId) activity?.SetTag("iothub.job_id", jobId);

        var behaviour = await devices.LoadAsync(calls.Select(c => c.DeviceId).Distinct().ToList(), context.CancellationToken);
        var reachable = calls.Where(c => Reaches(Of(behaviour, c.DeviceId), c)).ToList();
        // A repeated delivery finds its calls recorded: the devices ran them once and answer them again from the same state.
        await log.RecordAsync(request.CallId, reachable, clock.GetUtcNow(), context.CancellationToken);

        // The devices run now: a dropped broker connection (which cancels the delivery) must not lose their answers,
        // which go out as soon as the broker is back, for as long as the caller waits.
        var outcomes = await Task.WhenAll(calls.Select(c => AnswerAsync(c, Of(behaviour, c.DeviceId), CancellationToken.None)));
        var reply = new DeviceMethodsCalled(request.CallId, outcomes);
        try
        {
            await BrokerOutage.RetryUntilAsync(request.ExpiresAt, clock, async token =>
                await (await context.GetSendEndpoint(new Uri($"queue:{request.ReplyQueue}"))).Send(reply, token));
        }
        catch (TimeoutException)
        {
            logger.LogWarning("The answer to request {CallId} could not be sent before its caller gave up at {ExpiresAt}", request.CallId, request.ExpiresAt);
        }
    }

    private static SimulatedBehaviour Of(Dictionary<string, SimulatedBehaviour> behaviour, string deviceId) =>
        behaviour.GetValueOrDefault(deviceId, SimulatedBehaviour.Unregistered);

    /// <summary>A call reaches the device when it is connected, or connects within the call's connect timeout.</summary>
    private static bool Reaches(SimulatedBehaviour device, DeviceMethodCall call) =>
        device is { Registered: true, Enabled: true, Offline: false } && device.ConnectDelaySeconds <= call.ConnectTimeoutInSeconds;

    private async Task<DeviceMethodOutcome> AnswerAsync(DeviceMethodCall call, SimulatedBehaviour device, CancellationToken ct)
    {
        if (!Reaches(device, call))
        {
            if (call.ConnectTimeoutInSeconds > 0) await Task.Delay(TimeSpan.FromSeconds(call.ConnectTimeoutInSeconds), clock, ct);
            return new DeviceMethodOutcome(call.DeviceId, DeviceMethodOutcomeKind.DeviceNotOnline, null, null);
        }
        if (device.ConnectDelaySeconds > 0) await Task.Delay(TimeSpan.FromSeconds(device.ConnectDelaySeconds), clock, ct);
        var responseTimeout = TimeSpan.FromSeconds(call.ResponseTimeoutInSeconds);
        var latency = TimeSpan.FromMilliseconds(device.LatencyMs);
        if (latency > responseTimeout)
        {
            await Task.Delay(responseTimeout, clock, ct);
            return new DeviceMethodOutcome(call.DeviceId, DeviceMethodOutcomeKind.ResponseTimedOut, null, null);
        }
        if (latency > TimeSpan.Zero) await Task.Delay(latency, clock, ct);
        var (status, payload) = BuiltInMethods.Answer(call.MethodName, call.PayloadJson, device.MethodStatus);
        Activity.Current?.AddEvent(new ActivityEvent("answered"));
        return new DeviceMethodOutcome(call.DeviceId, DeviceMethodOutcomeKind.Responded, status, payload);
    }
}

public sealed class CallDeviceMethodsConsumerDefinition : ConsumerDefinition<CallDeviceMethodsConsumer>
{
    public CallDeviceMethodsConsumerDefinition()
    {
        Endpoint(e =>
        {
            e.Name = DeviceCallClient.RequestQueue;
            e.PrefetchCount = 64;
            e.ConcurrentMessageLimit = 64;
        });
    }
}
