using IotHubJobs.Contracts.Devices;

namespace IotHubJobs.DeviceLayer;

/// <summary>
/// The calls of one delivery, ready to run. <c>Reachable</c>: the devices known, before anything runs, to receive their
/// call (device-sim knows; a real device may connect or not, so device-gateway names none). <c>RunAsync</c> runs one
/// new call and returns its outcome; it must not throw for a device that misbehaves.
/// </summary>
public sealed record PreparedCalls(IReadOnlySet<string> Reachable, Func<DeviceMethodCall, Task<DeviceMethodOutcome>> RunAsync);
