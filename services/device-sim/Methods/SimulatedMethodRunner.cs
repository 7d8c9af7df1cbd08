using DeviceSim.Devices;
using IotHubJobs.Contracts.Devices;
using IotHubJobs.DeviceLayer;

namespace DeviceSim.Methods;

/// <summary>device-sim's step of a call: the simulated device answers as its twin tags steer it (<see cref="SimulatedMethod"/>).</summary>
public sealed class SimulatedMethodRunner(SimulatedDevices devices, TimeProvider clock) : IDeviceMethodRunner
{
    public async Task<PreparedCalls> PrepareAsync(IReadOnlyList<DeviceMethodCall> calls, CancellationToken ct)
    {
        var behaviour = await devices.LoadAsync(calls.Select(c => c.DeviceId).Distinct().ToList(), ct);
        var reachable = calls.Where(c => SimulatedMethod.Reaches(Of(behaviour, c.DeviceId), c)).Select(c => c.DeviceId).ToHashSet(StringComparer.Ordinal);
        var answeredAtOnce = new Dictionary<string, DeviceMethodOutcome>(StringComparer.Ordinal);
        foreach (var call in calls)
            if (SimulatedMethod.AnswerAtOnce(call, Of(behaviour, call.DeviceId)) is { } outcome) answeredAtOnce[call.DeviceId] = outcome;
        return new PreparedCalls(reachable, answeredAtOnce, call => SimulatedMethod.AnswerAsync(call, Of(behaviour, call.DeviceId), clock));
    }

    private static SimulatedBehaviour Of(Dictionary<string, SimulatedBehaviour> behaviour, string deviceId) =>
        behaviour.GetValueOrDefault(deviceId, SimulatedBehaviour.NotSimulated);
}
