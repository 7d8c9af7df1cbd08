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

    /// <summary>
    /// The outcome when the device answers without waiting (connected, no latency, or offline with no connect timeout);
    /// null otherwise. Nothing has run yet: the call may turn out to be a repeat (libs/DeviceLayer/DeviceCalls.cs).
    /// </summary>
    public static DeviceMethodOutcome? AnswerAtOnce(DeviceMethodCall call, SimulatedBehaviour device)
    {
        if (!Reaches(device, call)) return call.ConnectTimeoutInSeconds > 0 ? null : NotOnline(call);
        if (device.ConnectDelaySeconds > 0 || device.LatencyMs > 0) return null;
        return Respond(call, device);
    }

    public static async Task<DeviceMethodOutcome> AnswerAsync(DeviceMethodCall call, SimulatedBehaviour device, TimeProvider clock)
    {
        if (!Reaches(device, call))
        {
            if (call.ConnectTimeoutInSeconds > 0) await Task.Delay(TimeSpan.FromSeconds(call.ConnectTimeoutInSeconds), clock);
            return NotOnline(call);
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
        var outcome = Respond(call, device);
        Activity.Current?.AddEvent(new ActivityEvent("answered"));
        return outcome;
    }

    private static DeviceMethodOutcome NotOnline(DeviceMethodCall call) =>
        new(call.DeviceId, DeviceMethodOutcomeKind.DeviceNotOnline, null, null);

    private static DeviceMethodOutcome Respond(DeviceMethodCall call, SimulatedBehaviour device)
    {
        var (status, payload) = BuiltInMethods.Answer(call.MethodName, call.PayloadJson, device.MethodStatus);
        return new DeviceMethodOutcome(call.DeviceId, DeviceMethodOutcomeKind.Responded, status, payload);
    }
}
