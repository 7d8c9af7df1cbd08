using System.Diagnostics;
using Executor.Claims;
using IotHubJobs.Contracts.Devices;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.ServiceDefaults;
using IotHubJobs.ServiceDefaults.DeviceCalls;
using MassTransit;

namespace Executor.Methods;

/// <summary>
/// Runs a job's direct method on a chunk of devices: claim them, call them all in one request to the device
/// connection layer (each call with its own timeouts), and report every outcome in one message.
/// </summary>
public sealed class InvokeDeviceMethodsConsumer(DeviceJobClaims claims, DeviceCallClient devices, OutcomeDelivery delivery, TimeProvider clock)
    : IConsumer<InvokeDeviceMethods>
{
    public async Task Consume(ConsumeContext<InvokeDeviceMethods> context)
    {
        var command = context.Message;
        var method = command.Method;
        var budget = TimeSpan.FromSeconds(method.ResponseTimeoutInSeconds + method.ConnectTimeoutInSeconds);
        // The claim outlives the wait for the answer, so this executor's own verdict (DeviceNotOnline) always beats the sweeper's.
        var claim = await claims.ClaimAsync(command.JobId, command.DeviceIds, budget + DeviceCallClient.ReplyMargin, context.CancellationToken);
        var (claimed, startedAt, _) = claim;
        if (claimed.Count == 0) return;

        using var activity = Telemetry.Source.StartActivity("invoke device methods");
        activity?.SetTag("iothub.job_id", command.JobId);
        activity?.SetTag("iothub.method", method.MethodName);
        activity?.SetTag("iothub.device_count", claimed.Count);

        var calls = claimed.Select(id => new DeviceMethodCall(id, method.MethodName, method.PayloadJson,
            method.ResponseTimeoutInSeconds, method.ConnectTimeoutInSeconds, command.JobId)).ToList();
        // Not the delivery's token: a dropped broker connection cancels it, and a redelivery could not call these devices again.
        var outcomes = await CallAsync(calls, budget, CancellationToken.None);
        var endedAt = clock.GetUtcNow();
        var results = claimed.Select(id => ToResult(id, outcomes.GetValueOrDefault(id), startedAt, endedAt)).ToList();
        ExecutorMetrics.Record(method.MethodName, results, startedAt, endedAt);
        await delivery.PublishAsync(context, claim, new DeviceJobsCompleted(command.JobId, results));
    }

    private async Task<IReadOnlyDictionary<string, DeviceMethodOutcome>> CallAsync(List<DeviceMethodCall> calls, TimeSpan budget, CancellationToken ct)
    {
        var outcomes = await devices.CallAsync(calls, budget + DeviceCallClient.ReplyMargin, ct);
        if (outcomes is null)
        {
            // Nobody answered for these devices: the same as a device that never connected.
            Activity.Current?.AddEvent(new ActivityEvent("device connection layer did not answer"));
            return new Dictionary<string, DeviceMethodOutcome>(StringComparer.Ordinal);
        }
        return outcomes;
    }

    public static DeviceJobResult ToResult(string deviceId, DeviceMethodOutcome? outcome, DateTimeOffset startedAt, DateTimeOffset endedAt) =>
        outcome?.Kind switch
        {
            DeviceMethodOutcomeKind.Responded => new(deviceId, true, startedAt, endedAt, outcome.Status, outcome.PayloadJson, null, null),
            DeviceMethodOutcomeKind.ResponseTimedOut => new(deviceId, false, startedAt, endedAt, null, null, "GatewayTimeout", "Timed out waiting for the response from device."),
            _ => new(deviceId, false, startedAt, endedAt, null, null, "DeviceNotOnline", "Timed out waiting for device to connect."),
        };
}

public sealed class InvokeDeviceMethodsConsumerDefinition : ConsumerDefinition<InvokeDeviceMethodsConsumer>
{
    public InvokeDeviceMethodsConsumerDefinition()
    {
        Endpoint(e =>
        {
            e.Name = "invoke-device-methods";
            e.PrefetchCount = 32;
            e.ConcurrentMessageLimit = 16;
        });
    }
}
