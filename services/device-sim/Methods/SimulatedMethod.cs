using System.Diagnostics;
using DeviceSim.Devices;
using IotHubJobs.Contracts.Devices;

namespace DeviceSim.Methods;

/// <summary>What one simulated device does with one method call, as its twin tags steer it.</summary>
public static class SimulatedMethod
{
    /// <summary>A call reaches the device when it is connected, or connects within the call's connect timeout.</summary>
    public static bool Reaches(SimulatedBehaviour device, DeviceMethodCall call) =>
        device is { Simulated: true, Enabled: true, Offline: false } && device.ConnectDelaySeconds <= call.ConnectTimeoutInSeconds;

    public static async Task<DeviceMethodOutcome> AnswerAsync(DeviceMethodCall call, SimulatedBehaviour device, TimeProvider clock)
    {
        if (!Reaches(device, call))
        {
            if (call.ConnectTimeoutInSeconds > 0) await Task.Delay(TimeSpan.FromSeconds(call.ConnectTimeoutInSeconds), clock);
            return new DeviceMethodOutcome(call.DeviceId, DeviceMethodOutcomeKind.DeviceNotOnline, null, null);
        }
        if (device.ConnectDelaySeconds > 0) await Task.Delay(TimeSpan.FromSeconds(device.ConnectDelaySeconds), clock);
        var responseTimeout = TimeSpan.FromSeconds(call.ResponseTimeoutInSeconds);
        var latency = TimeSpan.FromMilliseconds(device.LatencyMs);
        if (latency > responseTimeout)
        {
            await Task.Delay(responseTimeout, clock);
            return new DeviceMethodOutcome(call.DeviceId, DeviceMethodOutcomeKind.ResponseTimedOut, null, null);
        }
        if (latency > TimeSpan.Zero) await Task.Delay(latency, clock);
        var (status, payload) = BuiltInMethods.Answer(call.MethodName, call.PayloadJson, device.MethodStatus);
        Activity.Current?.AddEvent(new ActivityEvent("answered"));
        return new DeviceMethodOutcome(call.DeviceId, DeviceMethodOutcomeKind.Responded, status, payload);
    }
}
