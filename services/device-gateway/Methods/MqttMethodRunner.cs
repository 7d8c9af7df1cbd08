using DeviceGateway.Connections;
using DeviceGateway.Protocol;
using IotHubJobs.Contracts.Devices;
using IotHubJobs.DeviceLayer;

namespace DeviceGateway.Methods;

/// <summary>
/// device-gateway's step of a call (docs/devices.md, "Direct methods"): wait up to the call's connect timeout for the
/// device to be connected here and subscribed to method requests — else <c>DeviceNotOnline</c>, and nothing was sent;
/// publish <c>$iothub/methods/POST/{name}/?$rid={rid}</c> with the payload (<c>null</c> when there is none: Node's SDK
/// answers an empty body itself with a 400); then wait up to the response timeout for its answer — else
/// <c>GatewayTimeout</c>, since the request may have reached it.
/// </summary>
public sealed class MqttMethodRunner(ConnectedDevices devices, DeviceSender sender, PendingMethodCalls pending, TimeProvider clock,
    ILogger<MqttMethodRunner> logger) : IDeviceMethodRunner
{
    private static readonly IReadOnlySet<string> NoneKnownReachable = new HashSet<string>();
    private static readonly IReadOnlyDictionary<string, DeviceMethodOutcome> NoneAnsweredAtOnce = new Dictionary<string, DeviceMethodOutcome>();

    public Task<PreparedCalls> PrepareAsync(IReadOnlyList<DeviceMethodCall> calls, CancellationToken ct) =>
        Task.FromResult(new PreparedCalls(NoneKnownReachable, NoneAnsweredAtOnce, RunAsync));

    private async Task<DeviceMethodOutcome> RunAsync(DeviceMethodCall call)
    {
        var connectTimeout = TimeSpan.FromSeconds(Math.Max(0, call.ConnectTimeoutInSeconds));
        if (!await devices.WaitUntilTakesMethodsAsync(call.DeviceId, connectTimeout, clock))
            return new DeviceMethodOutcome(call.DeviceId, DeviceMethodOutcomeKind.DeviceNotOnline, null, null);

        var (rid, answer) = pending.Expect(call.DeviceId);
        try
        {
            if (!await sender.SendAsync(call.DeviceId, DeviceTopic.MethodRequest(call.MethodName, rid), call.PayloadJson ?? "null"))
                return new DeviceMethodOutcome(call.DeviceId, DeviceMethodOutcomeKind.DeviceNotOnline, null, null);
            GatewayMetrics.MethodRequestSent();
            return await answer.WaitAsync(TimeSpan.FromSeconds(call.ResponseTimeoutInSeconds), clock);
        }
        catch (TimeoutException)
        {
            logger.LogInformation("{DeviceId} did not answer {Method} within {Timeout} s", call.DeviceId, call.MethodName, call.ResponseTimeoutInSeconds);
            return new DeviceMethodOutcome(call.DeviceId, DeviceMethodOutcomeKind.ResponseTimedOut, null, null);
        }
        finally
        {
            pending.Forget(call.DeviceId, rid);
        }
    }
}
