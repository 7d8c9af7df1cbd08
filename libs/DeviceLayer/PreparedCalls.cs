using System.Text.Json;
using IotHubJobs.Contracts.Devices;

namespace IotHubJobs.DeviceLayer;

/// <summary>
/// The calls of one delivery, ready to run. <c>Reachable</c>: the devices known, before anything runs, to receive their
/// call (device-sim knows; a real device may connect or not, so device-gateway names none). <c>AnsweredAtOnce</c>: the
/// outcomes known before anything runs — a simulated device that answers without waiting — which are recorded with the
/// call itself, so the call's record is written once (device-gateway knows none). <c>RunAsync</c> runs one new call that
/// has no outcome yet and returns it; it must not throw for a device that misbehaves.
/// </summary>
public sealed record PreparedCalls(IReadOnlySet<string> Reachable, IReadOnlyDictionary<string, DeviceMethodOutcome> AnsweredAtOnce,
    Func<DeviceMethodCall, Task<DeviceMethodOutcome>> RunAsync)
{
    /// <summary>Each call's outcome known at once, as the JSON a call log records (null for a call that must run first).</summary>
    public string?[] AnsweredAtOnceJson(IReadOnlyList<DeviceMethodCall> calls) =>
        calls.Select(c => AnsweredAtOnce.TryGetValue(c.DeviceId, out var outcome) ? JsonSerializer.Serialize(outcome) : null).ToArray();
}
